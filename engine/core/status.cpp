#include "core/status.h"

namespace kiln {

const char* statusCodeName(StatusCode code) {
    switch (code) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::InvalidArgument: return "InvalidArgument";
    case StatusCode::InvalidModel: return "InvalidModel";
    case StatusCode::Unsupported: return "Unsupported";
    case StatusCode::NotFound: return "NotFound";
    case StatusCode::OutOfRange: return "OutOfRange";
    case StatusCode::IoError: return "IoError";
    case StatusCode::Internal: return "Internal";
    case StatusCode::Cancelled: return "Cancelled";
    }
    return "Unknown";
}

std::string Status::toString() const {
    if (isOk()) return "Ok";
    std::string s = statusCodeName(m_code);
    s += ": ";
    if (!m_node.empty() || !m_opType.empty()) {
        s += "node '" + m_node + "'";
        if (!m_opType.empty()) s += " (" + m_opType + ")";
        s += ": ";
    }
    s += m_message;
    return s;
}

}  // namespace kiln

#include "ir/attribute.h"

#include <sstream>

namespace kiln::ir {

const char* attributeKindName(AttributeKind k) {
    switch (k) {
    case AttributeKind::Float: return "float";
    case AttributeKind::Int: return "int";
    case AttributeKind::String: return "string";
    case AttributeKind::Tensor: return "tensor";
    case AttributeKind::Floats: return "floats";
    case AttributeKind::Ints: return "ints";
    case AttributeKind::Strings: return "strings";
    }
    return "?";
}

namespace {
template <typename T>
std::string listToString(const std::vector<T>& v, bool quote = false) {
    std::ostringstream os;
    os << "[";
    const size_t shown = std::min<size_t>(v.size(), 16);
    for (size_t i = 0; i < shown; ++i) {
        if (i) os << ", ";
        if (quote) os << "'" << v[i] << "'";
        else os << v[i];
    }
    if (v.size() > shown) os << ", ... (" << v.size() << " values)";
    os << "]";
    return os.str();
}
}  // namespace

std::string Attribute::toString() const {
    std::ostringstream os;
    switch (kind()) {
    case AttributeKind::Float: os << get<float>(); break;
    case AttributeKind::Int: os << get<int64_t>(); break;
    case AttributeKind::String: os << "'" << get<std::string>() << "'"; break;
    case AttributeKind::Tensor: {
        const HostTensor& t = get<HostTensor>();
        os << "tensor<" << dataTypeName(t.dtype()) << " " << dimsToString(t.dims()) << ">";
        if (t.numel() == 1) os << "{" << t.getDouble(0) << "}";
        break;
    }
    case AttributeKind::Floats: return listToString(get<std::vector<float>>());
    case AttributeKind::Ints: return listToString(get<std::vector<int64_t>>());
    case AttributeKind::Strings: return listToString(get<std::vector<std::string>>(), true);
    }
    return os.str();
}

}  // namespace kiln::ir

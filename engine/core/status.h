// Status and Expected<T>: the engine's one way of reporting errors. No exception crosses the
// engine's boundary; a Status names what went wrong and, where there is one, the node.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace kiln {

enum class StatusCode {
    Ok = 0,
    InvalidArgument,   // a caller passed something wrong (bad shape, bad option)
    InvalidModel,      // the model file is malformed or inconsistent
    Unsupported,       // valid, but Kiln does not implement it (yet)
    NotFound,          // a file, tensor or node that should exist does not
    OutOfRange,        // sizes or indices beyond what can be represented or addressed
    IoError,           // reading or writing a file failed
    Internal,          // a bug in Kiln
    Cancelled,
};

const char* statusCodeName(StatusCode code);

class [[nodiscard]] Status {
public:
    Status() = default;
    Status(StatusCode code, std::string message, std::string node = {}, std::string opType = {})
        : m_code(code), m_message(std::move(message)), m_node(std::move(node)), m_opType(std::move(opType)) {}

    static Status ok() { return {}; }

    bool isOk() const { return m_code == StatusCode::Ok; }
    explicit operator bool() const { return isOk(); }
    StatusCode code() const { return m_code; }
    const std::string& message() const { return m_message; }
    const std::string& node() const { return m_node; }
    const std::string& opType() const { return m_opType; }

    // Attaches the node, unless a more specific one is already recorded.
    Status& atNode(const std::string& node, const std::string& opType) {
        if (m_node.empty()) { m_node = node; m_opType = opType; }
        return *this;
    }
    Status& prefix(const std::string& context) {
        m_message = context + ": " + m_message;
        return *this;
    }
    // "InvalidModel: node 'Conv_3' (Conv): weights must have rank 4"
    std::string toString() const;

private:
    StatusCode m_code = StatusCode::Ok;
    std::string m_message;
    std::string m_node;
    std::string m_opType;
};

inline Status invalidArgument(std::string msg) { return {StatusCode::InvalidArgument, std::move(msg)}; }
inline Status invalidModel(std::string msg) { return {StatusCode::InvalidModel, std::move(msg)}; }
inline Status unsupported(std::string msg) { return {StatusCode::Unsupported, std::move(msg)}; }
inline Status notFound(std::string msg) { return {StatusCode::NotFound, std::move(msg)}; }
inline Status outOfRange(std::string msg) { return {StatusCode::OutOfRange, std::move(msg)}; }
inline Status ioError(std::string msg) { return {StatusCode::IoError, std::move(msg)}; }
inline Status internalError(std::string msg) { return {StatusCode::Internal, std::move(msg)}; }

// A value or the Status that explains its absence (std::expected arrives only in C++23).
template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Expected(Status status) : m_v(std::in_place_index<1>, std::move(status)) {
        assert(!std::get<1>(m_v).isOk() && "Expected built from an ok Status");
    }

    bool hasValue() const { return m_v.index() == 0; }
    explicit operator bool() const { return hasValue(); }

    T& value() & { assert(hasValue()); return std::get<0>(m_v); }
    const T& value() const& { assert(hasValue()); return std::get<0>(m_v); }
    T&& value() && { assert(hasValue()); return std::get<0>(std::move(m_v)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Status& status() const {
        static const Status okStatus;
        return hasValue() ? okStatus : std::get<1>(m_v);
    }
    Status takeStatus() && { return hasValue() ? Status() : std::get<1>(std::move(m_v)); }

private:
    std::variant<T, Status> m_v;
};

}  // namespace kiln

// Propagates a failed Status out of the current function.
#define KILN_RETURN_IF_ERROR(expr)                    \
    do {                                              \
        ::kiln::Status _kiln_st = (expr);             \
        if (!_kiln_st.isOk()) return _kiln_st;        \
    } while (0)

#define KILN_CONCAT_INNER(a, b) a##b
#define KILN_CONCAT(a, b) KILN_CONCAT_INNER(a, b)
// KILN_ASSIGN_OR_RETURN(auto x, makeX()); declares x from an Expected, or returns its Status.
#define KILN_ASSIGN_OR_RETURN(decl, expr) \
    KILN_ASSIGN_OR_RETURN_IMPL(KILN_CONCAT(_kiln_exp_, __LINE__), decl, expr)
#define KILN_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
    auto tmp = (expr);                              \
    if (!tmp.hasValue()) return std::move(tmp).takeStatus(); \
    decl = std::move(tmp).value()

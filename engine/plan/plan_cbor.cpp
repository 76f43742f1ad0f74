// Bounded CBOR parsing and typed field access for the plan's structured sections.
#include <cmath>
#include <exception>
#include <limits>

#include <xxhash.h>

#include "plan/plan_internal.h"

namespace kiln::plan::detail {

uint64_t xxhash64(const void* data, size_t size) { return XXH64(data, size, 0); }

std::string hex64(uint64_t v) {
    static const char* digits = "0123456789abcdef";
    std::string s = "0x";
    for (int i = 15; i >= 0; --i) s += digits[(v >> (4 * i)) & 0xf];
    return s;
}

std::string withCommas(uint64_t v) {
    const std::string digits = std::to_string(v);
    std::string s;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
        s += digits[i];
    }
    return s;
}

namespace {

// nlohmann's binary reader recurses once per nesting level; this SAX stops the parse when the
// nesting passes kMaxDepth, so a file of nested one-element arrays cannot overflow the stack.
// The plan's own sections nest at most 6 deep.
class BoundedSax {
public:
    static constexpr int kMaxDepth = 32;
    using Dom = nlohmann::detail::json_sax_dom_parser<Json>;
    explicit BoundedSax(Json& root) : m_dom(root, true) {}

    bool null() { return m_dom.null(); }
    bool boolean(bool v) { return m_dom.boolean(v); }
    bool number_integer(Json::number_integer_t v) { return m_dom.number_integer(v); }
    bool number_unsigned(Json::number_unsigned_t v) { return m_dom.number_unsigned(v); }
    bool number_float(Json::number_float_t v, const Json::string_t& s) { return m_dom.number_float(v, s); }
    bool string(Json::string_t& v) { return m_dom.string(v); }
    bool binary(Json::binary_t& v) { return m_dom.binary(v); }
    bool start_object(std::size_t n) { return enter() && m_dom.start_object(n); }
    bool key(Json::string_t& k) { return m_dom.key(k); }
    bool end_object() { --m_depth; return m_dom.end_object(); }
    bool start_array(std::size_t n) { return enter() && m_dom.start_array(n); }
    bool end_array() { --m_depth; return m_dom.end_array(); }
    bool parse_error(std::size_t pos, const std::string& token, const nlohmann::detail::exception& ex) {
        return m_dom.parse_error(pos, token, ex);
    }
    bool tooDeep() const { return m_tooDeep; }

private:
    bool enter() {
        if (++m_depth > kMaxDepth) m_tooDeep = true;
        return !m_tooDeep;
    }
    Dom m_dom;
    int m_depth = 0;
    bool m_tooDeep = false;
};

}  // namespace

Expected<Json> parseCbor(const uint8_t* data, size_t size, const std::string& section) {
    Json root;
    try {
        BoundedSax sax(root);
        bool ok = Json::sax_parse(data, data + size, &sax, nlohmann::detail::input_format_t::cbor, true);
        if (sax.tooDeep())
            return invalidModel("section " + section + ": nested more than " +
                                std::to_string(BoundedSax::kMaxDepth) + " levels deep");
        if (!ok) return invalidModel("section " + section + ": malformed CBOR");
    } catch (const std::exception& e) {
        return invalidModel("section " + section + ": malformed CBOR (" + e.what() + ")");
    } catch (...) {
        return invalidModel("section " + section + ": malformed CBOR");
    }
    if (!root.is_object()) return invalidModel("section " + section + ": expected a CBOR map at the top");
    return root;
}

Expected<std::vector<uint8_t>> toCbor(const Json& j, const std::string& section) {
    try {
        return Json::to_cbor(j);
    } catch (const std::exception& e) {
        return internalError("encoding section " + section + " failed: " + e.what());
    } catch (...) {
        return internalError("encoding section " + section + " failed");
    }
}

Status jsonToInt64(const Json& v, int64_t& out) {
    if (v.is_number_unsigned()) {
        auto u = v.get<Json::number_unsigned_t>();
        if (u > uint64_t(std::numeric_limits<int64_t>::max())) return invalidModel("integer out of range");
        out = int64_t(u);
        return Status::ok();
    }
    if (v.is_number_integer()) {
        out = v.get<Json::number_integer_t>();
        return Status::ok();
    }
    return invalidModel("not an integer");
}

Status Fields::checkObject() const {
    return m_j.is_object() ? Status::ok() : error("expected a map");
}

Expected<const Json*> Fields::any(const char* key) const {
    if (!m_j.is_object()) return error("expected a map");
    auto it = m_j.find(key);
    if (it == m_j.end()) return error(std::string("field '") + key + "' is missing");
    return &*it;
}

Expected<const Json*> Fields::array(const char* key) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!v->is_array()) return error(std::string("field '") + key + "' is not an array");
    return v;
}

Expected<const Json*> Fields::object(const char* key) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!v->is_object()) return error(std::string("field '") + key + "' is not a map");
    return v;
}

Status Fields::str(const char* key, std::string& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!v->is_string()) return error(std::string("field '") + key + "' is not a string");
    out = v->get_ref<const std::string&>();
    return Status::ok();
}

Status Fields::i64(const char* key, int64_t& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!jsonToInt64(*v, out).isOk()) return error(std::string("field '") + key + "' is not a 64-bit integer");
    return Status::ok();
}

Status Fields::i32(const char* key, int& out) const {
    int64_t v = 0;
    KILN_RETURN_IF_ERROR(i64(key, v));
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
        return error(std::string("field '") + key + "' is out of range: " + std::to_string(v));
    out = int(v);
    return Status::ok();
}

Status Fields::u64(const char* key, uint64_t& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!v->is_number_unsigned()) return error(std::string("field '") + key + "' is not an unsigned integer");
    out = v->get<Json::number_unsigned_t>();
    return Status::ok();
}

Status Fields::f64(const char* key, double& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!v->is_number()) return error(std::string("field '") + key + "' is not a number");
    out = v->get<double>();
    return Status::ok();
}

Status Fields::f32(const char* key, float& out) const {
    double d = 0.0;
    KILN_RETURN_IF_ERROR(f64(key, d));
    out = static_cast<float>(d);
    return Status::ok();
}

Status Fields::boolean(const char* key, bool& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* v, any(key));
    if (!v->is_boolean()) return error(std::string("field '") + key + "' is not a boolean");
    out = v->get<bool>();
    return Status::ok();
}

Status Fields::strings(const char* key, std::vector<std::string>& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* a, array(key));
    out.clear();
    out.reserve(a->size());
    for (const Json& e : *a) {
        if (!e.is_string()) return error(std::string("field '") + key + "' holds a non-string");
        out.push_back(e.get_ref<const std::string&>());
    }
    return Status::ok();
}

Status Fields::ints(const char* key, std::vector<int64_t>& out) const {
    KILN_ASSIGN_OR_RETURN(const Json* a, array(key));
    out.clear();
    out.reserve(a->size());
    for (const Json& e : *a) {
        int64_t v = 0;
        if (!jsonToInt64(e, v).isOk()) return error(std::string("field '") + key + "' holds a non-integer");
        out.push_back(v);
    }
    return Status::ok();
}

}  // namespace kiln::plan::detail

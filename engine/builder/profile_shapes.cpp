#include "builder/profile_shapes.h"

#include "passes/symbolic_dims.h"

#include <set>

#include "core/data_type.h"

namespace kiln {

namespace {

std::string inputList(const std::vector<ir::Value*>& inputs) {
    std::string s;
    for (const ir::Value* v : inputs) s += (s.empty() ? "" : ", ") + v->name();
    return s.empty() ? "none" : s;
}

Status checkRange(const ir::Value& v, const plan::ShapeRange& r, size_t profile) {
    const Shape& s = v.shape();
    const std::string where = "optimization profile " + std::to_string(profile) + ", input '" + v.name() + "'";
    if (s.rankKnown() && int(r.min.size()) != s.rank())
        return invalidArgument(where + ": the network declares rank " + std::to_string(s.rank()) + " " +
                               s.toString() + " but the profile gives " + dimsToString(r.max));
    for (int i = 0; s.rankKnown() && i < s.rank(); ++i) {
        if (!s[i].isKnown()) continue;
        const int64_t d = s[i].value;
        if (r.min[size_t(i)] != d || r.opt[size_t(i)] != d || r.max[size_t(i)] != d)
            return invalidArgument(where + ": dim " + std::to_string(i) + " is fixed at " + std::to_string(d) +
                                   " in " + s.toString() + " but the profile gives min " + dimsToString(r.min) +
                                   ", opt " + dimsToString(r.opt) + ", max " + dimsToString(r.max));
    }
    return Status::ok();
}

}  // namespace

Expected<std::vector<plan::Profile>> resolveProfiles(const ir::Graph& g, const std::vector<OptimizationProfile>& profiles) {
    const std::vector<ir::Value*> inputs = g.runtimeInputs();
    std::vector<plan::Profile> out;
    const size_t n = std::max<size_t>(profiles.size(), 1);
    for (size_t p = 0; p < n; ++p) {
        plan::Profile resolved;
        const OptimizationProfile* given = p < profiles.size() ? &profiles[p] : nullptr;
        if (given) {
            for (auto& [name, range] : given->ranges()) {
                const ir::Value* v = g.findValue(name);
                if (!v || !v->isGraphInput() || v->constant())
                    return invalidArgument("optimization profile " + std::to_string(p) + " names '" + name +
                                           "', which is not an input of the network (inputs: " + inputList(inputs) + ")");
            }
        }
        for (const ir::Value* v : inputs) {
            const plan::ShapeRange* r = given ? given->find(v->name()) : nullptr;
            if (r) {
                KILN_RETURN_IF_ERROR(checkRange(*v, *r, p));
                resolved.inputs.emplace_back(v->name(), *r);
                continue;
            }
            std::optional<std::vector<int64_t>> dims = v->shape().staticDims();
            if (!dims)
                return invalidArgument("input '" + v->name() + "' has dynamic shape " + v->shape().toString() +
                                       ": optimization profile " + std::to_string(p) +
                                       " must give its min / opt / max dims (kiln-exec: --minShapes/--optShapes/"
                                       "--maxShapes or --shapes " + v->name() + ":...)");
            resolved.inputs.emplace_back(v->name(), plan::ShapeRange{*dims, *dims, *dims});
        }
        out.push_back(std::move(resolved));
    }
    return out;
}

Expected<std::map<std::string, int64_t>> maxSymbolValues(const ir::Graph& g, const std::vector<plan::Profile>& profiles) {
    std::map<std::string, int64_t> result;
    for (size_t p = 0; p < profiles.size(); ++p) {
        std::map<std::string, std::pair<int64_t, std::string>> here;  // symbol -> (value, input)
        for (auto& [name, range] : profiles[p].inputs) {
            const ir::Value* v = g.findValue(name);
            if (!v || !v->shape().rankKnown()) continue;
            for (int i = 0; i < v->shape().rank() && size_t(i) < range.max.size(); ++i) {
                const Dim& d = v->shape()[i];
                if (!d.isSymbolic()) continue;
                const int64_t m = range.max[size_t(i)];
                auto [it, inserted] = here.try_emplace(d.symbol, m, name);
                if (!inserted && it->second.first != m)
                    return invalidArgument("optimization profile " + std::to_string(p) + ": dim '" + d.symbol +
                                           "' is " + std::to_string(it->second.first) + " at max in input '" +
                                           it->second.second + "' but " + std::to_string(m) + " in input '" + name +
                                           "'; inputs that share a dim must agree");
            }
        }
        for (auto& [sym, vi] : here) result[sym] = std::max(result.count(sym) ? result[sym] : 0, vi.first);
    }
    return result;
}

Expected<std::map<std::string, int64_t>> optSymbolValues(const ir::Graph& g, const std::vector<plan::Profile>& profiles) {
    std::map<std::string, int64_t> result;
    if (profiles.empty()) return result;
    for (auto& [name, range] : profiles.front().inputs) {
        const ir::Value* v = g.findValue(name);
        if (!v || !v->shape().rankKnown()) continue;
        for (int i = 0; i < v->shape().rank() && size_t(i) < range.opt.size(); ++i) {
            const Dim& d = v->shape()[i];
            if (!d.isSymbolic()) continue;
            auto [it, inserted] = result.try_emplace(d.symbol, range.opt[size_t(i)]);
            if (!inserted && it->second != range.opt[size_t(i)])
                return invalidArgument("optimization profile 0: dim '" + d.symbol + "' is " + std::to_string(it->second) +
                                       " at opt in one input but " + std::to_string(range.opt[size_t(i)]) + " in input '" +
                                       name + "'; inputs that share a dim must agree");
        }
    }
    return result;
}

int64_t bytesAtShapes(const ir::Value& v, const std::map<std::string, int64_t>& symbols) {
    const size_t es = dataTypeSize(v.dtype());
    if (es == 0 || !v.shape().rankKnown()) return -1;
    // Derived symbols ("batch*sequence", "min(sequence, 128)") are evaluated from the inputs' own;
    // every such name is monotone in its symbols, so the max shapes give the max bytes.
    const std::optional<std::vector<int64_t>> dims = passes::evaluateShape(v.shape(), symbols);
    if (!dims) return -1;
    Expected<int64_t> n = checkedNumel(*dims);
    if (!n) return -1;
    return *n * int64_t(es);
}

}  // namespace kiln

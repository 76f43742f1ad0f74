#include "passes/fusion_utils.h"

#include <algorithm>

#include "ops/activation_fn.h"

namespace kiln::passes::fusion {

std::optional<std::vector<double>> perChannelValues(const ir::Value* c, int outRank, int axis, int64_t channels) {
    const HostTensor* t = c ? c->constant() : nullptr;
    if (!t || t->rank() > outRank) return std::nullopt;
    bool perChannel = false;
    for (int i = 0; i < t->rank(); ++i) {
        const int64_t d = t->dim(i);
        const int outAxis = outRank - t->rank() + i;
        if (d == 1) continue;
        if (outAxis != axis || d != channels) return std::nullopt;
        perChannel = true;
    }
    std::vector<double> v(static_cast<size_t>(channels));
    for (int64_t k = 0; k < channels; ++k) v[size_t(k)] = t->getDouble(perChannel ? k : 0);
    return v;
}

bool isFloatType(DataType t) {
    return t == DataType::Float32 || t == DataType::Float16 || t == DataType::BFloat16 || t == DataType::Float64;
}

HostTensor vectorOf(DataType t, const std::vector<double>& values) {
    HostTensor out(t, {int64_t(values.size())});
    for (size_t i = 0; i < values.size(); ++i) out.setDouble(int64_t(i), values[i]);
    return out;
}

std::vector<double> valuesOf(const HostTensor& t) {
    std::vector<double> v(size_t(t.numel()));
    for (int64_t i = 0; i < t.numel(); ++i) v[size_t(i)] = t.getDouble(i);
    return v;
}

bool isActivationLike(const ir::Node& n) {
    if (ops::activationOf(n).hasValue()) return true;
    static constexpr const char* kRefused[] = {"Softsign", "Softplus", "Selu", "Celu", "PRelu",
                                               "ThresholdedRelu", "Mish", "Shrink"};
    return n.domain().empty() &&
           std::any_of(std::begin(kRefused), std::end(kRefused), [&](const char* op) { return n.opType() == op; });
}

std::string fusedLayerType(const ir::Node& n) {
    if (!n.domain().empty()) return {};
    if (n.opType() == "Conv") return "FusedConv";
    if (n.opType() == "ConvTranspose") return "FusedConvTranspose";
    if (n.opType() == "Gemm" || n.opType() == "MatMul") return "FusedGemm";
    return {};
}

void copyAttributes(const ir::Node& from, ir::Node& to) {
    for (const auto& [name, a] : from.attributes()) to.setAttr(name, a);
}

bool shapeIsResolved(const ir::Value* v) {
    if (!v->shape().rankKnown()) return false;
    return std::all_of(v->shape().dims().begin(), v->shape().dims().end(),
                       [](const Dim& d) { return d.isKnown() || d.isSymbolic(); });
}

std::string describe(const ir::Node* n) { return n->opType() + " '" + n->name() + "'"; }

}  // namespace kiln::passes::fusion

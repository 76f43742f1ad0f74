#include "ops/activation_fn.h"

#include <sstream>

namespace kiln::ops {

namespace {
struct KindName {
    ActivationKind kind;
    const char* name;
};
constexpr KindName kNames[] = {
    {ActivationKind::None, ""},          {ActivationKind::Relu, "Relu"},
    {ActivationKind::Clip, "Clip"},      {ActivationKind::LeakyRelu, "LeakyRelu"},
    {ActivationKind::Sigmoid, "Sigmoid"}, {ActivationKind::Tanh, "Tanh"},
    {ActivationKind::HardSigmoid, "HardSigmoid"}, {ActivationKind::HardSwish, "HardSwish"},
    {ActivationKind::Silu, "Silu"},      {ActivationKind::Gelu, "Gelu"},
    {ActivationKind::GeluTanh, "GeluTanh"}, {ActivationKind::Elu, "Elu"},
};

const char* kindName(ActivationKind k) {
    for (const KindName& n : kNames)
        if (n.kind == k) return n.name;
    return "";
}

// Clip's bounds: attributes before opset 11, optional constant inputs after.
Expected<Activation> clipOf(const ir::Node& n) {
    Activation a{ActivationKind::Clip, -3.402823466e38f, 3.402823466e38f};
    if (n.opsetVersion() < 11) {
        a.alpha = n.attrFloat("min", a.alpha);
        a.beta = n.attrFloat("max", a.beta);
        return a;
    }
    for (int i = 1; i <= 2; ++i) {
        const ir::Value* v = n.input(i);
        if (!v) continue;
        const HostTensor* t = v->constant();
        if (!t || t->numel() != 1) return unsupported("Clip bound '" + v->name() + "' is not a constant scalar");
        (i == 1 ? a.alpha : a.beta) = static_cast<float>(t->getDouble(0));
    }
    return a;
}
}  // namespace

std::string Activation::name() const {
    std::ostringstream os;
    os << kindName(kind);
    if (kind == ActivationKind::Clip) os << "(" << alpha << ", " << beta << ")";
    if (kind == ActivationKind::LeakyRelu || kind == ActivationKind::Elu) os << "(" << alpha << ")";
    if (kind == ActivationKind::HardSigmoid) os << "(" << alpha << ", " << beta << ")";
    return os.str();
}

Expected<Activation> activationOf(const ir::Node& n) {
    if (!n.domain().empty() && n.domain() != "kiln")
        return unsupported("activation " + n.opType() + " of domain " + n.domain() + " cannot be fused");
    if (n.numOutputs() != 1) return unsupported(n.opType() + " has several outputs and cannot be fused");
    const std::string& op = n.opType();
    if (n.domain().empty()) {
        if (op == "Relu") return Activation{ActivationKind::Relu};
        if (op == "Clip") return clipOf(n);
        if (op == "LeakyRelu") return Activation{ActivationKind::LeakyRelu, n.attrFloat("alpha", 0.01f)};
        if (op == "Sigmoid") return Activation{ActivationKind::Sigmoid};
        if (op == "Tanh") return Activation{ActivationKind::Tanh};
        if (op == "HardSigmoid")
            return Activation{ActivationKind::HardSigmoid, n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f)};
        if (op == "HardSwish") return Activation{ActivationKind::HardSwish};
        if (op == "Elu") return Activation{ActivationKind::Elu, n.attrFloat("alpha", 1.0f)};
        if (op == "Gelu")
            return Activation{n.attrString("approximate", "none") == "tanh" ? ActivationKind::GeluTanh : ActivationKind::Gelu};
    } else {  // kiln domain: recognised patterns
        if (op == "Silu") return Activation{ActivationKind::Silu};
        if (op == "Gelu")
            return Activation{n.attrString("approximate", "none") == "tanh" ? ActivationKind::GeluTanh : ActivationKind::Gelu};
    }
    return unsupported("activation " + op + " cannot be fused");
}

void setActivationAttrs(ir::Node& n, const Activation& a) {
    n.setAttr("activation", ir::Attribute(std::string(kindName(a.kind))));
    n.setAttr("activation_alpha", ir::Attribute(a.alpha));
    n.setAttr("activation_beta", ir::Attribute(a.beta));
}

Expected<Activation> activationFromAttrs(const ir::Node& n) {
    const std::string name = n.attrString("activation", "");
    for (const KindName& k : kNames)
        if (name == k.name)
            return Activation{k.kind, n.attrFloat("activation_alpha", 0.f), n.attrFloat("activation_beta", 0.f)};
    return Status(StatusCode::InvalidModel, "unknown fused activation '" + name + "'", n.name(), n.opType());
}

}  // namespace kiln::ops

// Plugin layers in fuse-bias-activation. A plugin is a boundary: nothing fuses across it, except
// an activation after it when the plugin says it can apply that activation itself
// (IPlugin::supportsFusedActivation):
//   Plugin(x) -> Relu => Plugin'(x)   with kiln_activation = "relu" handed to its creator
// Every activation after a plugin is logged: fused, or declined with the reason.
#include <string>
#include <vector>

#include "ops/activation_fn.h"
#include "passes/passes.h"
#include "passes/pattern_utils.h"
#include "plugin/plugin_layer.h"

namespace kiln::passes {

namespace {

const char* fieldName(plugin::ActivationKind k) {
    switch (k) {
    case plugin::ActivationKind::kRELU: return "relu";
    case plugin::ActivationKind::kSIGMOID: return "sigmoid";
    case plugin::ActivationKind::kTANH: return "tanh";
    case plugin::ActivationKind::kLEAKY_RELU: return "leaky_relu";
    case plugin::ActivationKind::kCLIP: return "clip";
    }
    return "";
}

// Whether the plugin takes the activation `act` (else why not, in `why`).
bool pluginTakes(const ir::Node& layer, const ir::Node& act, plugin::ActivationKind kind, std::string& why) {
    auto p = plugins::instantiate(layer);
    if (!p) {
        why = "the plugin could not be made to ask it: " + p.status().message();
        return false;
    }
    bool yes = false;
    Status st = plugins::guarded(*p, "supportsFusedActivation", [&] {
        yes = p->plugin->supportsFusedActivation(kind);
        return Status::ok();
    });
    if (!st.isOk()) {
        why = st.message();
        return false;
    }
    if (!yes)
        why = "plugin " + p->info.describe() + " does not take a fused " + act.opType() +
              ": the activation stays a separate layer";
    return yes;
}

}  // namespace

void fusePluginActivations(ir::Graph& g, PassContext& ctx) {
    NodeSweeper sweeper(g);
    for (ir::Node* l : nodeSnapshot(g)) {
        if (sweeper.gone(l) || !plugins::isPluginNode(*l) || l->numOutputs() != 1 || !l->output(0)) continue;
        if (l->hasAttr("kiln_activation")) continue;  // already carries one
        ir::Value* y = l->output(0);
        const std::vector<ir::Node*> consumers(y->consumers().begin(), y->consumers().end());
        for (ir::Node* r : consumers) {
            if (auto kind = plugins::activationKind(r->opType()); kind && r->domain().empty()) {
                if (std::string why = whyNotFusable(y, l); !why.empty()) {
                    ctx.declined({l, r}, why);
                    continue;
                }
                auto a = ops::activationOf(*r);
                if (!a) {
                    ctx.declined({l, r}, a.status().message());
                    continue;
                }
                std::string why;
                if (!pluginTakes(*l, *r, *kind, why)) {
                    ctx.declined({l, r}, why);
                    continue;
                }
                std::vector<ir::Value*> inputs(l->inputs().begin(), l->inputs().end());
                ir::Value* out = r->output(0);
                const std::vector<const ir::Node*> matched{l, r};
                sweeper.detach(std::vector<ir::Node*>{l, r});
                ir::Node* n = addFusedNode(g, matched, l->opType(), l->domain(), inputs, {out});
                for (const auto& [name, attr] : l->attributes()) n->setAttr(name, attr);
                n->setAttr("kiln_activation", ir::Attribute(std::string(fieldName(*kind))));
                n->setAttr("kiln_activation_alpha", ir::Attribute(a->alpha));
                n->setAttr("kiln_activation_beta", ir::Attribute(a->beta));
                ctx.applied(l->opType() + "(x) -> " + r->opType() + " => " + l->opType() + "'(x)", matched, n,
                            "The plugin applies the " + r->opType() + " to its output itself (it said it can).");
            } else if (r->domain().empty() && (r->opType() == "Add" || r->opType() == "Mul")) {
                ctx.declined({l, r}, "plugin layer: nothing fuses across a plugin except an activation it accepts");
            }
            break;  // a single consumer is all that could fuse
        }
    }
    sweeper.sweep();
}

}  // namespace kiln::passes

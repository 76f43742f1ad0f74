#include "teach/lifetime_data.h"

#include <map>
#include <set>

#include "builder/build_config.h"
#include "builder/builder.h"
#include "builder/network.h"

namespace kiln::views {

namespace {

// Only errors reach the studio's message; the builder's chatter is dropped.
struct SilentLogger : Logger {
    void log(Severity, std::string_view) noexcept override {}
};

}  // namespace

LifetimeData lifetimeData(const plan::Plan& plan) {
    LifetimeData d;
    d.arenaBytes = plan.memory.arenaBytes;
    d.noReuseBytes = plan.memory.noReuseBytes;
    if (plan.network)
        for (const auto& n : plan.network->nodes()) d.layers << QString::fromStdString(n->name());
    std::set<int64_t> offsets;
    for (const plan::BufferRecord& b : plan.memory.buffers)
        if (b.offset >= 0) offsets.insert(b.offset);
    std::map<int64_t, int> slotOf;
    for (int64_t o : offsets) slotOf.emplace(o, int(slotOf.size()));
    d.numSlots = int(slotOf.size());
    for (const plan::BufferRecord& b : plan.memory.buffers) {
        if (b.offset < 0) {
            ++d.unplanned;
            continue;
        }
        LifetimeBar bar;
        bar.tensor = QString::fromStdString(b.tensor);
        bar.firstLayer = b.firstLayer;
        bar.lastLayer = b.lastLayer;
        bar.offset = b.offset;
        bar.bytes = b.bytes;
        bar.slot = slotOf.at(b.offset);
        bar.aliasOf = QString::fromStdString(b.aliasOf);
        d.bars << bar;
    }
    return d;
}

Expected<plan::Plan> buildTeachingPlan(const ir::Graph& model, const std::atomic<bool>* cancel) {
    SilentLogger logger;
    Builder builder(logger);
    std::unique_ptr<NetworkDefinition> network = builder.createNetwork();
    KILN_RETURN_IF_ERROR(network->adoptGraph(model.clone()));
    network->setName(model.info().graphName.empty() ? "model" : model.info().graphName);
    BuilderConfig config;
    OptimizationProfile profile;
    for (const ir::Value* in : model.runtimeInputs()) {
        std::vector<int64_t> dims;
        for (const Dim& dim : in->shape().dims()) dims.push_back(dim.isKnown() ? dim.value : 1);
        KILN_RETURN_IF_ERROR(profile.setShape(in->name(), dims));
    }
    config.profiles.push_back(profile);
    config.cpuThreads = 1;
    config.cancel = cancel;
    return builder.buildPlan(*network, config);
}

}  // namespace kiln::views

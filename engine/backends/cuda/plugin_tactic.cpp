// Plugin layers on the CUDA backend: one tactic per layer, "plugin.<type>.v<version>", which
// calls the plugin's enqueue(kCUDA) on the context's stream. The plugin is asked at build time
// whether it runs on CUDA and takes the layer's storage types at the precision being tried
// (float32 at FP32 / TF32, float16 at FP16), so the builder picks among the precisions it has.
#include <memory>

#include "backends/cuda/layer_kernel.h"
#include "plugin/plugin_layer.h"

namespace kiln::cuda {

namespace {

std::vector<plugin::TensorDesc> descs(const std::vector<DataType>& types, const std::vector<std::vector<int64_t>>& dims) {
    std::vector<plugin::TensorDesc> out;
    for (size_t i = 0; i < types.size() && i < dims.size(); ++i) out.push_back(plugins::tensorDesc(types[i], dims[i]));
    return out;
}

// Whether the plugin takes these port types, asked port by port as TensorRT does.
Status checkFormats(plugins::PluginInstance& p, const LayerShapes& s) {
    std::vector<plugin::PortDesc> ports;
    for (const auto& types : {s.inputTypes, s.outputTypes})
        for (DataType t : types) {
            auto pt = plugins::toPluginType(t);
            if (!pt) return unsupported(std::string("the plugin API has no type for ") + dataTypeName(t));
            ports.push_back({*pt, plugin::TensorFormat::kLINEAR});
        }
    const int32_t nbIn = int32_t(s.inputTypes.size()), nbOut = int32_t(s.outputTypes.size());
    return plugins::guarded(p, "supportsFormatCombination", [&]() -> Status {
        for (int32_t pos = 0; pos < nbIn + nbOut; ++pos)
            if (!p.plugin->supportsFormatCombination(pos, ports.data(), nbIn, nbOut))
                return unsupported("plugin " + p.info.describe() + " does not take " + (pos < nbIn ? "input " : "output ") +
                                   std::to_string(pos < nbIn ? pos : pos - nbIn) + " as " +
                                   dataTypeName(plugins::fromPluginType(ports[size_t(pos)].type)));
        return Status::ok();
    });
}

class PluginKernel final : public LayerKernel {
public:
    Status prepare(const PrepareArgs& args) override {
        KILN_ASSIGN_OR_RETURN(m_plugin, plugins::instantiate(args.node));
        return Status::ok();
    }

    size_t workspaceBytes(const LayerShapes& shapes) const override {
        if (!m_plugin.plugin) return 0;
        const auto in = descs(shapes.inputTypes, shapes.inputs), out = descs(shapes.outputTypes, shapes.outputs);
        size_t bytes = 0;
        Status st = plugins::guarded(m_plugin, "getWorkspaceSize", [&] {
            bytes = m_plugin.plugin->getWorkspaceSize(plugin::DeviceKind::kCUDA, in.data(), int32_t(in.size()), out.data(), int32_t(out.size()));
            return Status::ok();
        });
        return st.isOk() ? bytes : 0;
    }

    Status enqueue(const LaunchArgs& args) override {
        std::vector<plugin::TensorDesc> in, out;
        std::vector<const void*> inPtrs;
        std::vector<void*> outPtrs;
        for (const DeviceTensor& t : args.inputs) {
            if (!t.present())
                return Status(StatusCode::InvalidArgument, "an omitted input: plugin layers take every input",
                              m_plugin.layer, m_plugin.info.type);
            in.push_back(plugins::tensorDesc(t.type, t.dims));
            inPtrs.push_back(t.data);
        }
        for (const DeviceOutput& o : args.outputs) {
            out.push_back(plugins::tensorDesc(o.type, o.dims));
            outPtrs.push_back(o.data);
        }
        return plugins::guarded(m_plugin, "enqueue", [&] {
            return plugins::callStatus(m_plugin, "enqueue",
                                       m_plugin.plugin->enqueue(plugin::DeviceKind::kCUDA, in.data(), out.data(),
                                                                inPtrs.data(), outPtrs.data(), args.workspace,
                                                                static_cast<void*>(args.stream)));
        });
    }

private:
    plugins::PluginInstance m_plugin;
};

}  // namespace

Expected<std::vector<Tactic>> pluginTactics(const TacticQuery& q) {
    KILN_ASSIGN_OR_RETURN(plugins::PluginInstance p, plugins::instantiate(q.node));
    bool cuda = false;
    KILN_RETURN_IF_ERROR(plugins::guarded(p, "supportsDevice", [&] {
        cuda = p.plugin->supportsDevice(plugin::DeviceKind::kCUDA);
        return Status::ok();
    }));
    if (!cuda) return unsupported("plugin " + p.info.describe() + " has no CUDA implementation");
    KILN_RETURN_IF_ERROR(checkFormats(p, q.shapes));
    return std::vector<Tactic>{{"plugin." + p.info.type + ".v" + p.info.version,
                                [] { return std::make_unique<PluginKernel>(); }}};
}

}  // namespace kiln::cuda

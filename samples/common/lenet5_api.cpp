#include "common/lenet5_api.h"

namespace kiln::samples {

namespace {

class LeNetBuilder {
public:
    LeNetBuilder(NetworkDefinition& network, const std::map<std::string, HostTensor>& weights)
        : m_net(network), m_weights(weights) {}

    Status build() {
        Tensor* x = m_net.addInput("input", DataType::Float32, {-1, 1, 28, 28});  // dynamic batch
        if (!x) return m_net.lastError();
        x = convRelu(x, "conv1", "relu1", 6, 2);
        x = maxPool(x, "pool1");
        x = convRelu(x, "conv2", "relu2", 16, 0);
        x = maxPool(x, "pool2");
        x = fullyConnected(x, "fc1", "relu3", 120);
        x = fullyConnected(x, "fc2", "relu4", 84);
        x = fullyConnected(x, "fc3", "", 10);
        if (!m_status.isOk()) return m_status;
        x->setName("logits");
        m_net.markOutput(*x);
        m_net.setName("lenet5_api");
        return m_net.validate();
    }

private:
    Weights weights(const std::string& name) {
        auto it = m_weights.find(name);
        if (it == m_weights.end()) {
            if (m_status.isOk()) m_status = notFound("the weights have no tensor '" + name + "'");
            return {};
        }
        return {it->second.dtype(), it->second.raw(), it->second.numel()};
    }
    // Keeps the first error; later steps see a null tensor and stop.
    template <typename L>
    L* check(L* layer, const std::string& name) {
        if (!layer) {
            if (m_status.isOk()) m_status = m_net.lastError();
            return nullptr;
        }
        layer->setName(name);
        return layer;
    }

    Tensor* convRelu(Tensor* x, const std::string& conv, const std::string& relu, int64_t maps, int64_t pad) {
        if (!x || !m_status.isOk()) return nullptr;
        auto* c = check(m_net.addConvolution(x, maps, {5, 5}, weights(conv + ".weight"), weights(conv + ".bias")), conv);
        if (!c || !c->setPadding({pad, pad})) return fail();
        auto* r = check(m_net.addActivation(c->output(0), ActivationType::Relu), relu);
        return r ? r->output(0) : nullptr;
    }
    Tensor* maxPool(Tensor* x, const std::string& name) {
        if (!x || !m_status.isOk()) return nullptr;
        auto* p = check(m_net.addPooling(x, PoolingType::Max, {2, 2}), name);
        if (!p || !p->setStride({2, 2})) return fail();
        return p->output(0);
    }
    // [N, ...] -> [N, outputs], then Relu unless relu is empty.
    Tensor* fullyConnected(Tensor* x, const std::string& fc, const std::string& relu, int64_t outputs) {
        if (!x || !m_status.isOk()) return nullptr;
        auto* f = check(m_net.addFullyConnected(x, outputs, weights(fc + ".weight"), weights(fc + ".bias")), fc);
        if (!f || relu.empty()) return f ? f->output(0) : nullptr;
        auto* r = check(m_net.addActivation(f->output(0), ActivationType::Relu), relu);
        return r ? r->output(0) : nullptr;
    }
    Tensor* fail() {
        if (m_status.isOk()) m_status = m_net.lastError();
        return nullptr;
    }

    NetworkDefinition& m_net;
    const std::map<std::string, HostTensor>& m_weights;
    Status m_status;
};

}  // namespace

Status buildLeNet5(NetworkDefinition& network, const std::map<std::string, HostTensor>& weights) {
    return LeNetBuilder(network, weights).build();
}

}  // namespace kiln::samples

// NetworkDefinition's core: tensors and layers as handles over the graph, inputs and outputs,
// rebuilding layers after a change, renames (a fresh graph: ir::Graph has no in-place rename),
// adopting an imported graph, and error recording.
#include "builder/network.h"

#include <algorithm>
#include <unordered_set>

#include "builder/network_internal.h"
#include "passes/symbolic_shapes.h"

namespace kiln {

namespace {

// The ai.onnx opset of API-built networks; LayerNormalization needs 17.
constexpr int kNetworkOpset = 17;
// Layers added to a parsed network use its opset: the ops they emit have had their current
// form since 13 (axes inputs of ReduceSum/Squeeze/Unsqueeze, Clip min/max inputs).
constexpr int kMinOpsetForLayers = 13;

}  // namespace

const char* layerTypeName(LayerType t) {
    switch (t) {
    case LayerType::Convolution: return "Convolution";
    case LayerType::Activation: return "Activation";
    case LayerType::Pooling: return "Pooling";
    case LayerType::MatrixMultiply: return "MatrixMultiply";
    case LayerType::FullyConnected: return "FullyConnected";
    case LayerType::ElementWise: return "ElementWise";
    case LayerType::SoftMax: return "SoftMax";
    case LayerType::Concatenation: return "Concatenation";
    case LayerType::Shuffle: return "Shuffle";
    case LayerType::Reduce: return "Reduce";
    case LayerType::Normalization: return "Normalization";
    case LayerType::Constant: return "Constant";
    case LayerType::Unary: return "Unary";
    case LayerType::Scale: return "Scale";
    case LayerType::Gather: return "Gather";
    case LayerType::Slice: return "Slice";
    case LayerType::Identity: return "Identity";
    case LayerType::Cast: return "Cast";
    case LayerType::TopK: return "TopK";
    case LayerType::Plugin: return "Plugin";
    case LayerType::Onnx: return "Onnx";
    }
    return "?";
}

// --- Tensor ------------------------------------------------------------------------------------

const std::string& Tensor::name() const { return m_value->name(); }
DataType Tensor::dataType() const { return m_value->dtype(); }
const Shape& Tensor::shape() const { return m_value->shape(); }
int Tensor::rank() const { return m_value->shape().rankKnown() ? m_value->shape().rank() : -1; }
bool Tensor::isNetworkInput() const { return m_value->isGraphInput() && !m_value->constant(); }
bool Tensor::isNetworkOutput() const { return m_value->isGraphOutput(); }
bool Tensor::isConstant() const { return m_value->constant() != nullptr; }

std::vector<int64_t> Tensor::dims() const {
    std::vector<int64_t> out;
    if (!shape().rankKnown()) return out;
    for (const Dim& d : shape().dims()) out.push_back(d.isKnown() ? d.value : -1);
    return out;
}

bool Tensor::setName(const std::string& name) {
    if (name == m_value->name()) return true;
    if (name.empty()) return m_network->recordFalse(invalidArgument("a tensor name must not be empty"));
    if (m_network->m_graph->findValue(name))
        return m_network->recordFalse(
            invalidArgument("cannot rename tensor '" + m_value->name() + "' to '" + name + "': the name is taken"));
    Status s = m_network->recreateGraph({{m_value, name}}, nullptr);
    return s.isOk() || m_network->recordFalse(std::move(s));
}

bool Tensor::setType(DataType type) {
    if (!isNetworkInput())
        return m_network->recordFalse(invalidArgument("setType: '" + name() + "' is not a network input"));
    if (type == DataType::Undefined) return m_network->recordFalse(invalidArgument("setType: the type is undefined"));
    if (m_network->numLayers() > 0 && m_network->layer(0)->type() == LayerType::Onnx)
        return m_network->recordFalse(unsupported("setType: the inputs of a parsed model keep their types"));
    const DataType old = m_value->dtype();
    m_value->setType(type);
    Status s = m_network->refreshAfterInputChange();
    if (s.isOk()) return true;
    m_value->setType(old);
    (void)m_network->refreshAfterInputChange();
    return m_network->recordFalse(std::move(s.prefix("setType(" + std::string(dataTypeName(type)) + ") on '" + name() + "'")));
}

bool Tensor::setDimensions(std::vector<int64_t> dims) {
    if (!isNetworkInput())
        return m_network->recordFalse(invalidArgument("setDimensions: '" + name() + "' is not a network input"));
    std::vector<Dim> ds;
    for (size_t k = 0; k < dims.size(); ++k) {
        if (dims[k] < -1)
            return m_network->recordFalse(invalidArgument("setDimensions on '" + name() + "': dim " + std::to_string(k) +
                                                          " is " + std::to_string(dims[k]) + " (use -1 for dynamic)"));
        ds.push_back(dims[k] >= 0 ? Dim(dims[k]) : Dim::symbolic(name() + "_dim" + std::to_string(k)));
    }
    const Shape old = m_value->shape();
    m_value->setShape(Shape(std::move(ds)));
    Status s = m_network->refreshAfterInputChange();
    if (s.isOk()) return true;
    m_value->setShape(old);
    (void)m_network->refreshAfterInputChange();
    return m_network->recordFalse(std::move(s.prefix("setDimensions(" + dimsToString(dims) + ") on '" + name() + "'")));
}

// --- Layer -------------------------------------------------------------------------------------

Layer::Layer(NetworkDefinition& network, LayerType type, std::vector<Tensor*> inputs)
    : m_network(&network), m_type(type), m_name(network.defaultLayerName(type)), m_inputs(std::move(inputs)) {}

Layer::~Layer() = default;

Tensor* Layer::input(int index) const {
    return index >= 0 && index < numInputs() ? m_inputs[size_t(index)] : nullptr;
}
Tensor* Layer::output(int index) const {
    return index >= 0 && index < numOutputs() ? m_outputs[size_t(index)] : nullptr;
}

bool Layer::reject(const std::string& message) const {
    return m_network->recordFalse(Status(StatusCode::InvalidArgument, message, m_name, layerTypeName(m_type)));
}

bool Layer::change(const std::function<void()>& apply, const std::function<void()>& undo) {
    const size_t index = m_network->indexOf(*this);
    apply();
    Status s = m_network->rebuildFrom(index);
    if (s.isOk()) return true;
    undo();
    Status back = m_network->rebuildFrom(index);
    if (!back.isOk())
        m_network->m_logger.log(Severity::InternalError, "could not restore layer '" + m_name + "': " + back.toString());
    return m_network->recordFalse(std::move(s));
}

bool Layer::setName(const std::string& name) {
    if (name == m_name) return true;
    if (name.empty()) return reject("a layer name must not be empty");
    const ir::Node* clash = m_network->m_graph->findNode(name);
    if (m_network->findLayer(name) || (clash && std::find(m_nodes.begin(), m_nodes.end(), clash) == m_nodes.end()))
        return reject("cannot rename to '" + name + "': a layer or node of that name exists");
    const std::string old = m_name;
    const size_t index = m_network->indexOf(*this);
    m_name = name;
    Status s = m_network->rebuildOne(index);
    if (s.isOk()) return true;
    m_name = old;
    (void)m_network->rebuildOne(index);
    return m_network->recordFalse(std::move(s));
}

namespace {
const char* precisionName(DataType t) {
    switch (t) {
    case DataType::Float32: return "FP32";
    case DataType::Float16: return "FP16";
    case DataType::Int8: return "INT8";
    default: return nullptr;
    }
}
}  // namespace

bool Layer::setPrecision(DataType precision) {
    const char* text = precisionName(precision);
    if (!text)
        return reject(std::string("setPrecision: ") + dataTypeName(precision) +
                      " is not a layer precision (Float32, Float16 or Int8)");
    m_precision = precision;
    for (ir::Node* n : m_nodes) n->setAttr("kiln_precision", ir::Attribute(std::string(text)));
    return true;
}

void Layer::resetPrecision() {
    if (!precisionIsSet()) return;
    m_precision = DataType::Undefined;
    // Nodes cannot drop an attribute: build the layer's nodes again without it.
    Status s = m_network->rebuildOne(m_network->indexOf(*this));
    if (!s.isOk()) m_network->record(std::move(s));
}

// --- NetworkDefinition: basics -------------------------------------------------------------------

NetworkDefinition::NetworkDefinition(Logger& logger) : m_logger(logger), m_graph(std::make_unique<ir::Graph>()) {
    ir::ModelInfo& info = m_graph->info();
    info.irVersion = 8;
    info.producerName = "kiln-network-api";
    info.producerVersion = KILN_VERSION;
    info.graphName = m_name;
    info.opsets[""] = kNetworkOpset;
}

NetworkDefinition::~NetworkDefinition() = default;

void NetworkDefinition::setName(std::string name) {
    m_name = std::move(name);
    m_graph->info().graphName = m_name;
}

void NetworkDefinition::setSourceModel(std::string sha256Hex, std::string modelName) {
    m_sourceSha256 = std::move(sha256Hex);
    m_sourceName = std::move(modelName);
}

void NetworkDefinition::record(Status s) const {
    m_logger.log(Severity::Error, s.toString());
    m_lastError = std::move(s);
    ++m_numErrors;
}
Tensor* NetworkDefinition::recordNull(Status s) const {
    record(std::move(s));
    return nullptr;
}
bool NetworkDefinition::recordFalse(Status s) const {
    record(std::move(s));
    return false;
}
void NetworkDefinition::clearErrors() {
    m_lastError = Status::ok();
    m_numErrors = 0;
}

Status NetworkDefinition::checkTensor(const Tensor* t, const char* what) const {
    if (!t) return invalidArgument(std::string(what) + " is null");
    if (t->m_network != this) return invalidArgument(std::string(what) + " '" + t->name() + "' belongs to another network");
    return Status::ok();
}

Tensor* NetworkDefinition::tensorOf(const ir::Value* v) const {
    auto it = m_tensorOf.find(v);
    return it == m_tensorOf.end() ? nullptr : it->second;
}

Tensor* NetworkDefinition::tensorFor(ir::Value* v) {
    if (!v) return nullptr;
    if (Tensor* t = tensorOf(v)) return t;
    m_tensors.push_back(std::unique_ptr<Tensor>(new Tensor(*this, v)));
    m_tensorOf[v] = m_tensors.back().get();
    return m_tensors.back().get();
}

int NetworkDefinition::numInputs() const { return static_cast<int>(m_graph->runtimeInputs().size()); }
Tensor* NetworkDefinition::input(int index) const {
    auto ins = m_graph->runtimeInputs();
    return index >= 0 && index < int(ins.size()) ? tensorOf(ins[size_t(index)]) : nullptr;
}
int NetworkDefinition::numOutputs() const { return static_cast<int>(m_graph->outputs().size()); }
Tensor* NetworkDefinition::output(int index) const {
    const auto& outs = m_graph->outputs();
    return index >= 0 && index < int(outs.size()) ? tensorOf(outs[size_t(index)]) : nullptr;
}
Layer* NetworkDefinition::layer(int index) const {
    return index >= 0 && index < numLayers() ? m_layers[size_t(index)].get() : nullptr;
}
Layer* NetworkDefinition::findLayer(const std::string& name) const {
    for (auto& l : m_layers)
        if (l->name() == name) return l.get();
    return nullptr;
}
Tensor* NetworkDefinition::findTensor(const std::string& name) const { return tensorOf(m_graph->findValue(name)); }

size_t NetworkDefinition::indexOf(const Layer& layer) const {
    for (size_t i = 0; i < m_layers.size(); ++i)
        if (m_layers[i].get() == &layer) return i;
    return m_layers.size();
}

std::string NetworkDefinition::defaultLayerName(LayerType type) const {
    const std::string base = std::string(layerTypeName(type)) + "_" + std::to_string(m_layers.size());
    std::string name = base;
    for (int k = 1; findLayer(name) || m_graph->findNode(name); ++k) name = base + "_" + std::to_string(k);
    return name;
}

Tensor* NetworkDefinition::addInput(const std::string& name, DataType type, std::vector<int64_t> dims) {
    if (name.empty()) return recordNull(invalidArgument("addInput: the input name must not be empty"));
    if (m_graph->findValue(name)) return recordNull(invalidArgument("addInput: a tensor named '" + name + "' exists"));
    if (type == DataType::Undefined) return recordNull(invalidArgument("addInput '" + name + "': the type is undefined"));
    std::vector<Dim> ds;
    for (size_t k = 0; k < dims.size(); ++k) {
        if (dims[k] < -1)
            return recordNull(invalidArgument("addInput '" + name + "': dim " + std::to_string(k) + " is " +
                                              std::to_string(dims[k]) + " (use -1 for a dynamic dim)"));
        ds.push_back(dims[k] >= 0 ? Dim(dims[k]) : Dim::symbolic(name + "_dim" + std::to_string(k)));
    }
    ir::Value* v = *m_graph->addValue(name);
    v->setType(type);
    v->setShape(Shape(std::move(ds)));
    m_graph->addInput(v);
    return tensorFor(v);
}

bool NetworkDefinition::markOutput(Tensor& tensor) {
    if (Status s = checkTensor(&tensor, "markOutput: the tensor"); !s.isOk()) return recordFalse(std::move(s));
    if (tensor.isNetworkOutput()) {
        m_logger.log(Severity::Warning, "markOutput: '" + tensor.name() + "' is already a network output");
        return true;
    }
    m_graph->addOutput(tensor.m_value);
    return true;
}

bool NetworkDefinition::unmarkOutput(Tensor& tensor) {
    if (Status s = checkTensor(&tensor, "unmarkOutput: the tensor"); !s.isOk()) return recordFalse(std::move(s));
    if (!tensor.isNetworkOutput())
        return recordFalse(invalidArgument("unmarkOutput: '" + tensor.name() + "' is not a network output"));
    Status s = recreateGraph({}, tensor.m_value);
    return s.isOk() || recordFalse(std::move(s));
}

Status NetworkDefinition::validate() const {
    for (auto& l : m_layers)
        if (std::string p = l->pendingProblem(); !p.empty())
            return Status(StatusCode::InvalidArgument, p, l->name(), layerTypeName(l->type()));
    if (m_graph->outputs().empty())
        return invalidArgument("the network '" + m_name + "' has no outputs: mark at least one with markOutput()");
    return m_graph->verify();
}

// --- building layers -----------------------------------------------------------------------------

Layer* NetworkDefinition::addLayerImpl(std::unique_ptr<Layer> layer, int numOutputs) {
    if (const int opset = m_graph->opsetFor(""); opset < kMinOpsetForLayers) {
        record(unsupported("cannot add a " + std::string(layerTypeName(layer->type())) +
                           " layer: the network uses ai.onnx opset " + std::to_string(opset) + " (layers need " +
                           std::to_string(kMinOpsetForLayers) + " or later)"));
        return nullptr;
    }
    Layer* l = layer.get();
    for (int k = 0; k < numOutputs; ++k) {
        const std::string base = l->name() + (numOutputs > 1 ? "_out" + std::to_string(k) : "_out");
        l->m_outputs.push_back(tensorFor(*m_graph->addValue(m_graph->uniqueValueName(base))));
    }
    m_layers.push_back(std::move(layer));
    Status s = buildLayer(*l);
    if (s.isOk()) return l;
    for (Tensor* t : l->m_outputs) {
        m_tensorOf.erase(t->m_value);
        std::erase_if(m_tensors, [&](const std::unique_ptr<Tensor>& p) { return p.get() == t; });
    }
    m_layers.pop_back();
    m_graph->pruneUnusedValues();  // the failed layer's outputs and constants
    record(std::move(s));
    return nullptr;
}

Status NetworkDefinition::buildLayer(Layer& layer) {
    detail::LayerBuilder b(*this, layer);
    Status s = layer.build(b);
    if (s.isOk())
        for (Tensor* t : layer.m_outputs)
            if (t && t->m_value->producer() == nullptr)
                s = internalError("layer '" + layer.name() + "' did not produce its output '" + t->name() + "'");
    if (!s.isOk()) {
        b.rollback();
        return s;
    }
    layer.m_nodes = std::move(b.nodes());
    if (const char* p = precisionName(layer.m_precision))
        for (ir::Node* n : layer.m_nodes) n->setAttr("kiln_precision", ir::Attribute(std::string(p)));
    return Status::ok();
}

Status NetworkDefinition::rebuildFrom(size_t first) {
    std::vector<ir::Node*> old;
    for (size_t i = first; i < m_layers.size(); ++i) {
        old.insert(old.end(), m_layers[i]->m_nodes.begin(), m_layers[i]->m_nodes.end());
        m_layers[i]->m_nodes.clear();
    }
    m_graph->removeNodes(old);
    for (size_t i = first; i < m_layers.size(); ++i)
        KILN_RETURN_IF_ERROR(buildLayer(*m_layers[i]));  // the caller undoes its change and rebuilds
    // Only now: while later layers are unbuilt, their outputs look unused.
    m_graph->pruneUnusedValues();
    return Status::ok();
}

Status NetworkDefinition::rebuildOne(size_t index) {
    Layer& l = *m_layers[index];
    m_graph->removeNodes(l.m_nodes);
    l.m_nodes.clear();
    KILN_RETURN_IF_ERROR(buildLayer(l));
    KILN_RETURN_IF_ERROR(m_graph->topologicalSort());  // the new nodes were appended at the end
    m_graph->pruneUnusedValues();
    return Status::ok();
}

Status NetworkDefinition::refreshAfterInputChange() {
    size_t firstApiLayer = 0;
    while (firstApiLayer < m_layers.size() && m_layers[firstApiLayer]->type() == LayerType::Onnx) ++firstApiLayer;
    if (firstApiLayer > 0) {
        // Parsed nodes carry the shapes ONNX inferred from the old dims: forget them and let
        // Kiln's symbolic inference redo them from the new ones.
        for (ir::Value* v : m_graph->values())
            if (!v->constant() && !v->isGraphInput()) v->setShape(Shape::unknownRank());
        passes::inferSymbolicShapes(*m_graph);
    }
    return rebuildFrom(firstApiLayer);
}

// --- renames and adoption ------------------------------------------------------------------------

Status NetworkDefinition::recreateGraph(const std::map<const ir::Value*, std::string>& renames,
                                        const ir::Value* dropOutput) {
    auto g = std::make_unique<ir::Graph>();
    g->info() = m_graph->info();
    std::unordered_map<const ir::Value*, ir::Value*> vmap;
    for (const ir::Value* v : m_graph->values()) {
        auto it = renames.find(v);
        auto nv = g->addValue(it == renames.end() ? v->name() : it->second);
        if (!nv) return Status(nv.status()).prefix("renaming");
        if (const HostTensor* c = v->constant()) (*nv)->setConstant(*c);
        (*nv)->setType(v->dtype());
        (*nv)->setShape(v->shape());
        vmap[v] = *nv;
    }
    auto mapValue = [&](const ir::Value* v) { return v ? vmap.at(v) : nullptr; };
    for (const ir::Value* v : m_graph->inputs()) g->addInput(mapValue(v));
    std::unordered_map<const ir::Node*, ir::Node*> nmap;
    for (const auto& n : m_graph->nodes()) {
        std::vector<ir::Value*> ins, outs;
        for (const ir::Value* v : n->inputs()) ins.push_back(mapValue(v));
        for (const ir::Value* v : n->outputs()) outs.push_back(mapValue(v));
        ir::Node* m = g->addNode(n->name(), n->opType(), n->domain(), ins, outs);
        m->setOpsetVersion(n->opsetVersion());
        m->setDocString(n->docString());
        for (const auto& [name, a] : n->attributes()) m->setAttr(name, a);
        m->setOrigins(n->origins());
        nmap[n.get()] = m;
    }
    for (const ir::Value* v : m_graph->outputs())
        if (v != dropOutput) g->addOutput(mapValue(v));

    m_tensorOf.clear();
    for (auto& t : m_tensors) {
        t->m_value = vmap.at(t->m_value);
        m_tensorOf[t->m_value] = t.get();
    }
    for (auto& l : m_layers)
        for (ir::Node*& n : l->m_nodes) n = nmap.at(n);
    m_graph = std::move(g);
    return Status::ok();
}

Status NetworkDefinition::adoptGraph(std::unique_ptr<ir::Graph> graph) {
    if (!graph) return invalidArgument("adoptGraph: the graph is null");
    if (!m_layers.empty() || !m_graph->inputs().empty() || !m_graph->outputs().empty())
        return invalidArgument("a model can only be parsed into an empty network (this one has " +
                               std::to_string(m_layers.size()) + " layers and " + std::to_string(numInputs()) +
                               " inputs)");
    KILN_RETURN_IF_ERROR(graph->topologicalSort());
    m_tensors.clear();
    m_tensorOf.clear();
    m_graph = std::move(graph);
    if (!m_graph->info().graphName.empty()) m_name = m_graph->info().graphName;
    for (ir::Value* v : m_graph->inputs()) tensorFor(v);
    for (const auto& n : m_graph->nodes()) {
        std::vector<Tensor*> ins;
        for (ir::Value* v : n->inputs()) ins.push_back(tensorFor(v));
        auto layer = std::unique_ptr<OnnxNodeLayer>(new OnnxNodeLayer(*this, *n, std::move(ins)));
        layer->m_name = n->name();
        for (ir::Value* v : n->outputs()) layer->m_outputs.push_back(tensorFor(v));
        layer->m_nodes = {n.get()};
        m_layers.push_back(std::move(layer));
    }
    for (ir::Value* v : m_graph->outputs()) tensorFor(v);
    return Status::ok();
}

}  // namespace kiln

// Internals of NetworkDefinition shared by its .cpp files: the LayerBuilder a layer emits its
// nodes through, and the shape rules (with symbolic dims) the layers type their outputs with.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "builder/network.h"

namespace kiln::detail {

// A tensor a layer reads or produces while it is built: its graph value, type and shape.
struct Operand {
    ir::Value* value = nullptr;
    DataType dtype = DataType::Undefined;
    Shape shape = Shape::unknownRank();
    int rank() const { return shape.rankKnown() ? shape.rank() : -1; }
};

using Attrs = std::vector<std::pair<std::string, ir::Attribute>>;

// What one layer's build() sees. Nodes are named "<layer>/<suffix>", constants
// "<layer>.<suffix>"; output() emits the node producing the layer's outputs, named after the layer.
class LayerBuilder {
public:
    LayerBuilder(NetworkDefinition& network, const Layer& layer);

    int opset() const;
    const std::string& layerName() const { return m_layer.name(); }
    int numInputs() const { return m_layer.numInputs(); }
    Operand input(int i) const;

    Operand constant(const std::string& suffix, HostTensor t);
    Operand int64s(const std::string& suffix, const std::vector<int64_t>& values);  // 1-D int64
    Operand scalarLike(const std::string& suffix, DataType type, double value);       // rank 0
    // A node with one new intermediate output.
    Operand node(const std::string& suffix, const std::string& opType, std::vector<Operand> inputs,
                 Attrs attrs, DataType outType, Shape outShape);
    // The node producing the layer's outputs (one (type, shape) per output).
    Status output(const std::string& opType, std::vector<Operand> inputs, Attrs attrs,
                  std::vector<std::pair<DataType, Shape>> outs);
    // Emits a node as given (Onnx layers), producing the layer's outputs in order.
    Status rawNode(const std::string& opType, const std::string& domain, std::vector<ir::Value*> inputs,
                   const std::map<std::string, ir::Attribute>& attrs, int opset, const std::string& doc,
                   std::vector<std::string> origins);

    // "node '<layer>' (<LayerType>): message"
    Status error(const std::string& message, StatusCode code = StatusCode::InvalidArgument) const;

    std::vector<ir::Node*>& nodes() { return m_nodes; }
    // Removes every node this builder emitted (after a failed build).
    void rollback();

private:
    ir::Node* emit(std::string name, const std::string& opType, const std::vector<Operand>& inputs,
                   const std::vector<ir::Value*>& outputs, Attrs attrs);
    ir::Graph& m_graph;
    const Layer& m_layer;
    std::vector<ir::Node*> m_nodes;
};

// Inputs and attributes of a Reduce* node over `axes` at the network's opset (ReduceSum takes
// its axes as an input from opset 13, the other Reduce ops from opset 18).
std::pair<std::vector<Operand>, Attrs> reduceArgs(LayerBuilder& b, const std::string& opType, const Operand& x,
                                                  const std::vector<int64_t>& axes, bool keep);
// Emits a chain of nodes: every step but the last as an intermediate, the last as the layer's
// output (an Identity when there are no steps). Each step gets the previous result as input 0.
struct Step {
    std::string suffix, opType;
    std::vector<Operand> extraInputs;  // after the running value
    Attrs attrs;
    Shape shape;
};
Status emitChain(LayerBuilder& b, Operand x, std::vector<Step> steps);

// --- weights ---
// Copies weights into a tensor of the given dims (count must equal the dims' product). An empty
// Weights (count 0) gives an invalid HostTensor.
Expected<HostTensor> copyWeights(const Weights& w, const char* what);
// Checks a weights tensor has `count` elements (or none, when optional).
Status checkCount(const HostTensor& w, int64_t count, const char* what, bool optional);
// The weights as `dims`, cast to `type`.
HostTensor weightsAs(const HostTensor& w, std::vector<int64_t> dims, DataType type);

// --- shape rules ---
// Dims of a tensor's shape as text for messages.
std::string shapeText(const Shape& s);
// Broadcast of two shapes (numpy rules); an error message when known dims clash.
Expected<Shape> broadcastShapes(const Shape& a, const Shape& b);
// One spatial output dim of a convolution or pooling window.
// (Kiln's Conv/pool kernels' rule; an error when the window is larger than the padded input.)
Expected<Dim> windowOutputDim(const Dim& in, int64_t kernel, int64_t stride, int64_t padBegin, int64_t padEnd,
                              int64_t dilation, PaddingMode mode);
Shape transposeShape(const Shape& s, const std::vector<int64_t>& perm);
// Reshape with 0 (copy, when zeroIsPlaceholder) and -1 (inferred); error when impossible.
Expected<Shape> reshapeShape(const Shape& in, const std::vector<int64_t>& dims, bool zeroIsPlaceholder);
Shape reduceShape(const Shape& in, const std::vector<int64_t>& axes, bool keep);
// numel of the dims [from, to) when all known.
std::optional<int64_t> knownProduct(const Shape& s, int from, int to);
// The axes set in a mask; error if a bit is at or above rank.
Expected<std::vector<int64_t>> axesFromMask(uint32_t mask, int rank, const char* what);
bool isPermutation(const std::vector<int64_t>& perm, int rank);
// A dim of a known shape as text, for messages: "3", "batch" or "?".
std::string dimText(const Dim& d);

}  // namespace kiln::detail

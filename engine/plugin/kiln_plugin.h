// Kiln's plugin API: custom layers from shared libraries, for operators the engine does not
// implement (docs/plugins.md). A plugin library includes this header and nothing else of Kiln.
//
// A library exports two C functions:
//
//   KILN_PLUGIN_EXPORT int32_t kilnPluginApiVersion() { return kiln::plugin::kPluginApiVersion; }
//   KILN_PLUGIN_EXPORT kiln::plugin::IPluginCreator* const* kilnGetPluginCreators(int32_t* count);
//
// Each creator stands for one operator: its type and namespace are the ONNX op_type and domain
// of the nodes it takes over ("BatchedNMS" in "kiln.samples"), its version is recorded in every
// plan that uses it. The importer hands a node whose op Kiln does not implement to the creator of
// the same type and namespace; the creator makes an IPlugin from the node's attributes. At build
// time Kiln asks the plugin for its output types and shapes, the formats it takes and its
// workspace, and stores the plugin's own serialized parameters in the plan; at run time the
// creator deserializes them again and Kiln calls enqueue.
//
// Errors: a method returns a non-zero status (or null, or false) and getLastError() says why.
// Methods may also throw: Kiln catches every exception at the boundary and reports the plugin,
// the layer and the message, so a failing plugin fails its build or run, not the process.
//
// Compatibility: kPluginApiVersion changes whenever this header changes incompatibly; Kiln
// refuses a library built against another version. Enumerator values and struct layouts are
// part of the API.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(_WIN32)
#define KILN_PLUGIN_EXPORT extern "C" __declspec(dllexport)
#else
#define KILN_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))
#endif

namespace kiln::plugin {

inline constexpr int32_t kPluginApiVersion = 1;
inline constexpr int32_t kMaxDims = 8;

// Element types, with ONNX TensorProto.DataType values.
enum class DataType : int32_t {
    kFLOAT = 1,
    kUINT8 = 2,
    kINT8 = 3,
    kINT32 = 6,
    kINT64 = 7,
    kBOOL = 9,
    kHALF = 10,
};

// Memory layouts. kLINEAR is row-major in the tensor's own dim order (NCHW for images).
enum class TensorFormat : int32_t {
    kLINEAR = 0,
};

enum class DeviceKind : int32_t {
    kCPU = 0,
    kCUDA = 1,
};

// An activation the optimizer may fold into a plugin's outputs (see IPlugin::supportsFusedActivation).
enum class ActivationKind : int32_t {
    kRELU = 0,
    kSIGMOID = 1,
    kTANH = 2,
    kLEAKY_RELU = 3,  // alpha = negative slope
    kCLIP = 4,        // alpha = min, beta = max
};

// Concrete dims at run time.
struct Dims {
    int32_t nbDims = 0;
    int64_t d[kMaxDims] = {};
};

struct PortDesc {
    DataType type = DataType::kFLOAT;
    TensorFormat format = TensorFormat::kLINEAR;
};

struct TensorDesc {
    DataType type = DataType::kFLOAT;
    TensorFormat format = TensorFormat::kLINEAR;
    Dims dims;
};

// --- symbolic output shapes ---
// A dim of an input or output shape while the network is built: a number, or an expression of
// the model's dynamic dims ("batch", "batch*sequence"). Owned by Kiln; valid during the call.
class IDimExpr {
public:
    virtual bool isConstant() const = 0;
    virtual int64_t getConstantValue() const = 0;  // -1 unless isConstant()

protected:
    virtual ~IDimExpr() = default;
};

enum class DimOp : int32_t {
    kSUM = 0,
    kPROD = 1,
    kMAX = 2,
    kMIN = 3,
    kSUB = 4,
    kFLOOR_DIV = 5,
    kCEIL_DIV = 6,
};

class IExprBuilder {
public:
    virtual const IDimExpr* constant(int64_t value) = 0;
    virtual const IDimExpr* operation(DimOp op, const IDimExpr& a, const IDimExpr& b) = 0;

protected:
    virtual ~IExprBuilder() = default;
};

struct DimsExprs {
    int32_t nbDims = 0;
    const IDimExpr* d[kMaxDims] = {};
};

// --- attributes ---
// A node attribute as the creator sees it. Scalars have length 1; lists their element count;
// strings are kCHAR with their byte length (not NUL-terminated); tensors are passed as kBYTES of
// their raw little-endian data.
enum class FieldType : int32_t {
    kFLOAT32 = 0,
    kINT64 = 1,
    kCHAR = 2,
    kBYTES = 3,
};

struct PluginField {
    const char* name = nullptr;
    const void* data = nullptr;
    FieldType type = FieldType::kINT64;
    int32_t length = 0;
};

struct PluginFieldCollection {
    int32_t nbFields = 0;
    const PluginField* fields = nullptr;
};

// --- the layer ---
class IPlugin {
public:
    virtual ~IPlugin() = default;

    // Must match the creator's.
    virtual const char* getPluginType() const = 0;
    virtual const char* getPluginVersion() const = 0;
    virtual const char* getPluginNamespace() const = 0;

    virtual int32_t getNbOutputs() const = 0;
    // Fills outputTypes[0..nbOutputs) from the input types. 0 = success.
    virtual int32_t getOutputDataTypes(DataType* outputTypes, int32_t nbOutputs, const DataType* inputTypes,
                                       int32_t nbInputs) const = 0;
    // Fills outputs[0..nbOutputs) with expressions of the input dims. 0 = success. Data-dependent
    // sizes are not supported: bound them (a maximum count plus a count output, as NMS does).
    virtual int32_t getOutputShapes(const DimsExprs* inputs, int32_t nbInputs, DimsExprs* outputs, int32_t nbOutputs,
                                    IExprBuilder& exprBuilder) = 0;

    // Whether the plugin takes port `pos` (inputs first, then outputs) with inOut[pos]'s type and
    // format, given the ports before it. Asked per precision Kiln considers (kFLOAT, kHALF).
    virtual bool supportsFormatCombination(int32_t pos, const PortDesc* inOut, int32_t nbInputs, int32_t nbOutputs) = 0;
    virtual bool supportsDevice(DeviceKind device) const = 0;

    // Whether the plugin can apply `kind` to its outputs itself. When it says yes, the optimizer
    // removes the activation node and the creator receives the fields "kiln_activation" (kCHAR:
    // "relu", "sigmoid", "tanh", "leaky_relu", "clip"), "kiln_activation_alpha" and
    // "kiln_activation_beta" (kFLOAT32) the next time it makes the plugin.
    virtual bool supportsFusedActivation(ActivationKind kind) const {
        (void)kind;
        return false;
    }

    // Scratch bytes enqueue on `device` needs at these shapes (device memory on CUDA, host memory
    // on the CPU).
    virtual size_t getWorkspaceSize(DeviceKind device, const TensorDesc* inputs, int32_t nbInputs,
                                    const TensorDesc* outputs, int32_t nbOutputs) const {
        (void)device, (void)inputs, (void)nbInputs, (void)outputs, (void)nbOutputs;
        return 0;
    }
    // Runs the layer. CPU: pointers are host memory, stream is null, and the call is synchronous.
    // CUDA: pointers are device memory and stream is the cudaStream_t to launch on; enqueue must
    // not synchronize or allocate (it may be captured into a CUDA graph). 0 = success.
    virtual int32_t enqueue(DeviceKind device, const TensorDesc* inputDesc, const TensorDesc* outputDesc,
                            const void* const* inputs, void* const* outputs, void* workspace, void* stream) = 0;

    // The plugin's own parameters, stored in the plan and handed to IPluginCreator::deserializePlugin.
    virtual size_t getSerializationSize() const = 0;
    virtual void serialize(void* buffer) const = 0;
    virtual IPlugin* clone() const = 0;

    // Why the last call failed.
    virtual const char* getLastError() const { return ""; }
};

class IPluginCreator {
public:
    virtual ~IPluginCreator() = default;

    virtual const char* getPluginType() const = 0;       // the ONNX op_type
    virtual const char* getPluginVersion() const = 0;    // recorded in plans: "1", "1.2"
    virtual const char* getPluginNamespace() const = 0;  // the ONNX domain ("" = ai.onnx)
    // The attributes the plugin reads (data pointers may be null): shown in the studio and the docs.
    virtual const PluginFieldCollection* getFieldNames() = 0;

    // A plugin for one node; null when the attributes are wrong (getLastError says how).
    virtual IPlugin* createPlugin(const char* layerName, const PluginFieldCollection* fields) = 0;
    // The plugin again from its serialized parameters; null on malformed data.
    virtual IPlugin* deserializePlugin(const char* layerName, const void* data, size_t length) = 0;

    virtual const char* getLastError() const { return ""; }
};

}  // namespace kiln::plugin

// The two entry points a plugin library exports.
extern "C" {
typedef int32_t (*KilnPluginApiVersionFn)();
typedef kiln::plugin::IPluginCreator* const* (*KilnGetPluginCreatorsFn)(int32_t* count);
}

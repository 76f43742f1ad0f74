// CUDA C++ for elementwise layers: a program (ops/pointwise_program.h, plus the few ops only
// standalone layers need) becomes one module of `extern "C"` kernels that NVRTC compiles
// (nvrtc_compiler.h). Every kernel of a module has the same parameters:
//
//   kernel(const S_0* in0, ..., const S_{n-1}* in{n-1}, S_out* out, KilnShape shape)
//
// where S_k are the storage types (__half travels as its bits, unsigned short) and KilnShape is
// kShapeWords int64 words: { n, rank, dims[kMaxRank], strides[n][kMaxRank] }, dims and strides
// of the output's coalesced dims, innermost first (see pointwise_nvrtc.cpp). Values are computed
// in float (double when an input or a cast is float64, like the CPU reference), integers and
// bools in their own type; the result is converted to the output's storage type once.
//
// The kernels, all grid-stride loops:
//   kiln_pw_spec     one element per iteration, each input read as its Access says; indexes
//                    with 32 bits unless KernelSpec::index64
//   kiln_pw_vec<W>   W elements per iteration with W-wide loads and stores (float4, 4 or 8
//                    halves); needs the innermost dim divisible by W and aligned pointers
//   kiln_pw_generic  every input through its strides, 64-bit indices: any shapes
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "backends/cuda/layer_kernel.h"
#include "core/data_type.h"
#include "core/status.h"
#include "ops/pointwise_program.h"

namespace kiln::cuda::pointwise {

inline constexpr int kMaxRank = 8;
inline constexpr int kMaxInputs = 32;  // keeps the kernel parameters within 4 KiB
inline constexpr const char* kSpecKernel = "kiln_pw_spec";
inline constexpr const char* kGenericKernel = "kiln_pw_generic";
std::string vecKernelName(int width);  // "kiln_pw_vec4"
inline int shapeWords(int numInputs) { return 2 + kMaxRank * (1 + numInputs); }

// Ops of standalone layers that a kiln.Pointwise program has no step for.
enum class ExtraOp : uint8_t {
    Identity,                                             // a (Max/Min/Sum of one input)
    Gelu, GeluTanh, Silu, Mish,
    Selu,                                                 // p0 = alpha, p1 = gamma
    PRelu,                                                // a < 0 ? b * a : a
    Equal, Less, Greater, LessOrEqual, GreaterOrEqual,    // -> bool
    Not, And, Or, Xor,                                    // bool -> bool
    Where,                                                // a ? b : c
};

// One step. Operands are encoded like ops::pointwise::Step's (input k, earlier step n + i, or
// immediate -k - 1); c is only read by Where.
struct GenStep {
    std::variant<ops::pointwise::Op, ExtraOp> op;
    int64_t a = 0, b = 0, c = 0;
    float p0 = 0.f, p1 = 0.f;
};

struct GenProgram {
    std::vector<int> nodeInputs;        // program input k is the node's input nodeInputs[k]
    std::vector<DataType> inputTypes;   // their storage types
    DataType outputType = DataType::Undefined;
    std::vector<GenStep> steps;         // the output is the last step's value
    std::vector<float> imms;
    int numInputs() const { return int(nodeInputs.size()); }
};

// How a kernel reads an input at output element i.
enum class Access : uint8_t {
    Linear,             // the output's dims: element i
    Scalar,             // one element, read once per thread
    Strided,            // broadcast; contiguous along the innermost coalesced dim
    StridedInnerBcast,  // broadcast along the innermost coalesced dim too (a per-channel bias)
};

struct KernelSpec {
    std::vector<Access> access;     // per program input
    bool index64 = false;           // kiln_pw_spec / kiln_pw_vec<W> use 64-bit indices
    std::vector<int> vectorWidths;  // the kiln_pw_vec<W> kernels to emit
};

// The source of the module, or why the program cannot be generated (an op on a type it does
// not support, inconsistent operand types).
Expected<std::string> generateSource(const GenProgram& p, const KernelSpec& spec);

// The source that an elementwise layer (kiln.Pointwise or a standalone op the CUDA backend runs
// with NVRTC) compiles at these shapes (pointwise_nvrtc.cpp), for reports and debugging.
Expected<std::string> layerSource(const ir::Node& node, const LayerShapes& shapes);

}  // namespace kiln::cuda::pointwise

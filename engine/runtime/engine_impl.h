// Private to the runtime: what an Engine precomputes from its plan once, shared by its contexts.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "plan/plan.h"
#include "runtime/runtime.h"

namespace kiln {

namespace cuda {
struct EngineState;
}

struct IoTensor {
    std::string name;
    TensorIOMode mode = TensorIOMode::None;
    const ir::Value* value = nullptr;
};

struct Engine::Impl {
    std::vector<IoTensor> io;                         // inputs, then outputs
    std::map<std::string, size_t> ioIndex;
    std::unordered_map<std::string, const plan::BufferRecord*> buffers;  // by tensor name
    int64_t weightsBytes = 0;
    // CUDA plans: the device and the weights uploaded once, shared by the contexts (made by the
    // first context).
    std::mutex cudaMutex;
    std::shared_ptr<cuda::EngineState> cuda;
};

}  // namespace kiln

// kiln-sample-onnx: an ONNX model through the parser, the builder (a plan file), the runtime and
// one inference - TensorRT's "sampleOnnxMNIST" flow. Inputs are digit images for models that
// take [N, 1, 28, 28] (the bundled LeNet-5), otherwise deterministic random data.
//
//   kiln-sample-onnx [--onnx FILE] [--plan FILE] [--batch N] [--digits 1379] [--input X.pb --reference Y.pb]
#include <chrono>
#include <cstdio>
#include <string>

#include "backends/cpu/cpu_executor.h"
#include "common/sample_common.h"
#include "core/file_io.h"
#include "kiln.h"
#include "onnx/importer.h"

using namespace kiln;

namespace {

const char* const kUsage =
    "usage: kiln-sample-onnx [options]\n"
    "  --onnx FILE        the model (default: the bundled resources/models/lenet5.onnx)\n"
    "  --plan FILE        where to save the plan (default: <model name>.plan)\n"
    "  --digits DIGITS    for [N, 1, 28, 28] inputs: draw these digits (default: 1379)\n"
    "  --batch N          for other models: the value of dynamic dims in the first position (default 1)\n"
    "  --input FILE.pb    the value of the first input (a TensorProto file)\n"
    "  --reference FILE.pb  compare the first output with this tensor (fails above relative L2 1e-5)\n"
    "  --verbose          log the builder's and runtime's messages\n";

bool isDigitImage(const Tensor& t) {
    const auto d = t.dims();
    return t.dataType() == DataType::Float32 && d.size() == 4 && d[1] == 1 && d[2] == 28 && d[3] == 28;
}

// The inputs to run: --input for the first, digits for an image input, random data otherwise.
Expected<cpu::TensorMap> makeInputs(const NetworkDefinition& network, const samples::Args& args, int64_t batch,
                                    std::string& digits) {
    KILN_ASSIGN_OR_RETURN(cpu::TensorMap inputs, cpu::makeRandomInputs(network.graph(), 20261122, {}, batch));
    const Tensor& first = *network.input(0);
    if (args.values.count("--input")) {
        KILN_ASSIGN_OR_RETURN(inputs[first.name()], onnx::readTensorFile(args.get("--input", "")));
        digits.clear();
    } else if (isDigitImage(first)) {
        KILN_ASSIGN_OR_RETURN(inputs[first.name()], samples::drawDigits(digits));
    } else {
        digits.clear();
    }
    return inputs;
}

int run(const samples::Args& args) {
    StderrLogger logger(args.has("--verbose") ? Severity::Info : Severity::Warning);
    const std::string onnxPath = args.get("--onnx", std::string(KILN_SAMPLE_MODELS_DIR) + "/lenet5.onnx");
    const int64_t batch = std::stoll(args.get("--batch", "1"));

    // 1. Parse.
    Builder builder(logger);
    std::unique_ptr<NetworkDefinition> network = builder.createNetwork();
    OnnxParser parser(*network, logger);
    if (Status s = parser.parseFromFile(onnxPath); !s.isOk()) return samples::reportError(s);
    if (network->numInputs() == 0) return samples::reportError(invalidArgument(onnxPath + " has no runtime inputs"));
    std::printf("model: %s (sha256 %.16s...), %d layers, %d inputs, %d outputs\n", network->sourceModelName().c_str(),
                network->sourceModelSha256().c_str(), network->numLayers(), network->numInputs(), network->numOutputs());

    // 2. Inputs, and a profile that covers them: dynamic dims from 1 to max(8, the run's value).
    std::string digits = args.get("--digits", "1379");
    auto inputs = makeInputs(*network, args, batch, digits);
    if (!inputs) return samples::reportError(inputs.status());
    OptimizationProfile profile;
    for (int i = 0; i < network->numInputs(); ++i) {
        const Tensor& in = *network->input(i);
        const std::vector<int64_t> dims = in.dims(), actual = inputs->at(in.name()).dims();
        std::vector<int64_t> lo = actual, hi = actual;
        for (size_t d = 0; d < dims.size() && d < actual.size(); ++d)
            if (dims[d] < 0) lo[d] = 1, hi[d] = std::max<int64_t>(8, actual[d]);
        if (Status s = profile.setDimensions(in.name(), lo, actual, hi); !s.isOk()) return samples::reportError(s);
    }
    BuilderConfig config;
    config.profiles.push_back(profile);

    // 3. Build and save the plan.
    const auto t0 = std::chrono::steady_clock::now();
    auto plan = builder.buildSerializedNetwork(*network, config);
    if (!plan) return samples::reportError(plan.status());
    const double buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const std::string stem = network->sourceModelName().substr(0, network->sourceModelName().rfind('.'));
    const std::string planPath = args.get("--plan", stem + ".plan");
    if (Status s = writeFileAtomically(planPath, std::string(plan->begin(), plan->end())); !s.isOk())
        return samples::reportError(s);
    std::printf("plan: %s (%zu bytes), built in %.1f ms\n", planPath.c_str(), plan->size(), buildMs);

    // 4. Load and run.
    Runtime runtime(logger);
    auto engine = runtime.deserializeEngineFile(planPath);
    if (!engine) return samples::reportError(engine.status());
    auto context = (*engine)->createExecutionContext();
    if (!context) return samples::reportError(context.status());
    if (Status s = (*context)->setInputs(*inputs); !s.isOk()) return samples::reportError(s);
    if (Status s = (*context)->execute(); !s.isOk()) return samples::reportError(s);
    std::printf("engine: %d layers, %.3f ms\n", (*engine)->numLayers(), (*context)->lastTiming().computeMs);
    for (int i = 0; i < network->numOutputs(); ++i) {
        const std::string name = network->output(i)->name();
        auto out = (*context)->output(name);
        if (!out) return samples::reportError(out.status());
        std::printf("output '%s' %s\n", name.c_str(), dimsToString(out->dims()).c_str());
        if (out->rank() == 2 && out->dtype() == DataType::Float32) samples::printClassification(*out, digits);
        if (i == 0 && args.values.count("--reference"))
            if (Status s = samples::checkAgainstReference(*out, args.get("--reference", ""), 1e-5); !s.isOk())
                return samples::reportError(s);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto args = samples::parseArgs(argc, argv, {"--onnx", "--plan", "--digits", "--batch", "--input", "--reference"},
                                   {"--verbose", "--help"});
    if (!args) {
        std::fprintf(stderr, "%s\n%s", args.status().message().c_str(), kUsage);
        return 2;
    }
    if (args->has("--help")) {
        std::printf("%s", kUsage);
        return 0;
    }
    return run(*args);
}

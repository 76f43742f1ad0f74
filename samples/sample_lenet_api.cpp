// kiln-sample-lenet-api: LeNet-5 built layer by layer with the network-definition API (weights
// from a tensorrtx-style .wts file), built into a plan for batch sizes 1 to 8, saved to a file,
// loaded by the runtime and run on digit images - the classic TensorRT "sampleMNISTAPI" flow.
//
//   kiln-sample-lenet-api [--data DIR] [--plan FILE] [--digits 1379] [--input X.pb --reference Y.pb] [--verbose]
#include <chrono>
#include <cstdio>
#include <string>

#include "common/lenet5_api.h"
#include "common/sample_common.h"
#include "core/file_io.h"
#include "kiln.h"
#include "onnx/importer.h"

using namespace kiln;

namespace {

constexpr int64_t kMaxBatch = 8;

const char* const kUsage =
    "usage: kiln-sample-lenet-api [options]\n"
    "  --data DIR         folder with lenet5.wts (default: the source tree's samples/data)\n"
    "  --plan FILE        where to save the plan (default: lenet5_api.plan)\n"
    "  --digits DIGITS    draw these digits as the input batch, 1 to 8 of them (default: 1379)\n"
    "  --input FILE.pb    use this tensor [N, 1, 28, 28] as the input instead\n"
    "  --reference FILE.pb  compare the logits with this tensor (fails above relative L2 1e-5)\n"
    "  --verbose          log the builder's and runtime's messages\n";

int run(const samples::Args& args) {
    StderrLogger logger(args.has("--verbose") ? Severity::Info : Severity::Warning);

    // 0. The input: digit images, or a tensor file.
    const std::string digits = args.get("--digits", "1379");
    auto input = args.values.count("--input") ? onnx::readTensorFile(args.get("--input", "")) : samples::drawDigits(digits);
    if (!input) return samples::reportError(input.status());
    if (input->rank() != 4 || input->dim(0) > kMaxBatch)
        return samples::reportError(invalidArgument("the input " + dimsToString(input->dims()) +
                                                    " must be [N, 1, 28, 28] with N <= 8 (the profile's maximum)"));

    // 1. Weights.
    const std::string wtsPath = args.get("--data", KILN_SAMPLE_DATA_DIR) + "/lenet5.wts";
    auto weights = readWtsFile(wtsPath);
    if (!weights) return samples::reportError(weights.status());
    std::printf("weights: %s (%zu tensors)\n", wtsPath.c_str(), weights->size());

    // 2. The network, layer by layer.
    Builder builder(logger);
    std::unique_ptr<NetworkDefinition> network = builder.createNetwork();
    if (Status s = samples::buildLeNet5(*network, *weights); !s.isOk()) return samples::reportError(s);
    std::printf("network: %d layers, input '%s' %s, output '%s' %s\n", network->numLayers(),
                network->input(0)->name().c_str(), network->input(0)->shape().toString().c_str(),
                network->output(0)->name().c_str(), network->output(0)->shape().toString().c_str());

    // 3. Build a plan for batch sizes 1..8 and save it.
    BuilderConfig config;
    OptimizationProfile profile;
    if (Status s = profile.setDimensions("input", {1, 1, 28, 28}, {4, 1, 28, 28}, {kMaxBatch, 1, 28, 28}); !s.isOk())
        return samples::reportError(s);
    config.profiles.push_back(profile);
    const auto t0 = std::chrono::steady_clock::now();
    auto plan = builder.buildSerializedNetwork(*network, config);
    if (!plan) return samples::reportError(plan.status());
    const double buildMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const std::string planPath = args.get("--plan", "lenet5_api.plan");
    if (Status s = writeFileAtomically(planPath, std::string(plan->begin(), plan->end())); !s.isOk())
        return samples::reportError(s);
    std::printf("plan: %s (%zu bytes), built in %.1f ms\n", planPath.c_str(), plan->size(), buildMs);

    // 4. Load it and run.
    Runtime runtime(logger);
    auto engine = runtime.deserializeEngineFile(planPath);
    if (!engine) return samples::reportError(engine.status());
    auto context = (*engine)->createExecutionContext();
    if (!context) return samples::reportError(context.status());
    if (Status s = (*context)->setInputs({{"input", *input}}); !s.isOk()) return samples::reportError(s);
    if (Status s = (*context)->execute(); !s.isOk()) return samples::reportError(s);
    auto logits = (*context)->output("logits");
    if (!logits) return samples::reportError(logits.status());
    std::printf("engine: %d layers, batch %lld, %.3f ms\n", (*engine)->numLayers(), static_cast<long long>(input->dim(0)),
                (*context)->lastTiming().computeMs);
    samples::printClassification(*logits, args.values.count("--input") ? std::string() : digits);
    if (args.values.count("--reference"))
        if (Status s = samples::checkAgainstReference(*logits, args.get("--reference", ""), 1e-5); !s.isOk())
            return samples::reportError(s);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    auto args = samples::parseArgs(argc, argv, {"--data", "--plan", "--digits", "--input", "--reference"},
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

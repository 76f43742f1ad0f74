// Passports: describing this machine, and deciding whether a plan built elsewhere may run here
// (docs/plan-format.md, "Compatibility").
#include <chrono>
#include <fstream>
#include <thread>

#include <openssl/evp.h>

#include "plan/plan_format.h"

#ifndef KILN_VERSION
#define KILN_VERSION "unknown"
#endif

namespace kiln::plan {

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "model name : AMD EPYC 7B13" on x86; ARM kernels often list no model name.
std::string cpuModelName() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = trim(line.substr(0, colon));
        if (key == "model name" || key == "Model name" || key == "Hardware") {
            std::string value = trim(line.substr(colon + 1));
            if (!value.empty()) return value;
        }
    }
    return "unknown CPU";
}

// "13.0" -> 13, "9.1.0" -> 9, "" -> -1
int majorVersion(const std::string& v) {
    int major = 0;
    size_t i = 0;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9' && major < 100000; ++i) major = major * 10 + (v[i] - '0');
    return i == 0 ? -1 : major;
}

std::string capability(const Passport& p) {
    return std::to_string(p.computeCapabilityMajor) + "." + std::to_string(p.computeCapabilityMinor);
}

// "'NVIDIA A100-SXM4-80GB' (compute capability 8.0, CUDA 13.0, cuDNN 9.1.0)"
std::string describeGpu(const Passport& p) {
    std::string s = "'" + p.deviceName + "' (compute capability " + capability(p);
    if (!p.cudaVersion.empty()) s += ", CUDA " + p.cudaVersion;
    if (!p.cudnnVersion.empty()) s += ", cuDNN " + p.cudnnVersion;
    return s + ")";
}

const char* kOverrideHint =
    "rebuild the plan on this machine, or pass --allowForeignPlan / RuntimeOptions::allowForeignDevice if "
    "the compute capability is the same";

}  // namespace

Passport currentCpuPassport() {
    Passport p;
    p.kilnVersion = KILN_VERSION;
    p.backend = "cpu";
    p.deviceName = cpuModelName();
    p.multiprocessorCount = int(std::thread::hardware_concurrency());
    p.createdUnixSeconds = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    return p;
}

Status checkPassportCompatible(const Passport& plan, const Passport& here, bool allowForeignDevice) {
    if (plan.backend == "cpu") return Status::ok();  // the CPU reference kernels run on any CPU
    if (plan.backend != "cuda")
        return unsupported("the plan was built for backend '" + plan.backend +
                           "', which this Kiln does not know (it runs 'cpu' and 'cuda' plans)");
    if (here.backend != "cuda")
        return unsupported("the plan was built for the GPU " + describeGpu(plan) +
                           ", but there is no CUDA GPU here (only the CPU '" + here.deviceName +
                           "'); build a CPU plan from the ONNX model to run it on this machine");
    const std::string both = "the plan was built for " + describeGpu(plan) + " and this GPU is " + describeGpu(here);
    if (plan.computeCapabilityMajor != here.computeCapabilityMajor ||
        plan.computeCapabilityMinor != here.computeCapabilityMinor)
        return unsupported(both + ": the compute capability differs (" + capability(plan) + " vs " +
                           capability(here) + "), so the plan's kernels cannot load here" +
                           (allowForeignDevice ? " even with --allowForeignPlan" : "") +
                           "; rebuild the plan on this GPU");
    if (allowForeignDevice) return Status::ok();
    if (plan.deviceName != here.deviceName)
        return unsupported(both + ": another GPU model; " + kOverrideHint);
    if (majorVersion(plan.cudaVersion) != majorVersion(here.cudaVersion))
        return unsupported(both + ": another major CUDA version; " + kOverrideHint);
    if (majorVersion(plan.cudnnVersion) != majorVersion(here.cudnnVersion))
        return unsupported(both + ": another major cuDNN version; " + kOverrideHint);
    return Status::ok();
}

std::vector<std::string> passportWarnings(const Passport& plan, const Passport& here) {
    std::vector<std::string> w;
    if (plan.kilnVersion != here.kilnVersion)
        w.push_back("the plan was built by Kiln " + plan.kilnVersion + "; this is Kiln " + here.kilnVersion);
    if (plan.backend != here.backend) return w;
    if (plan.deviceName != here.deviceName)
        w.push_back("the plan was built on '" + plan.deviceName + "'; this device is '" + here.deviceName +
                    "' (its tactic timings may not be the fastest here)");
    if (plan.multiprocessorCount != here.multiprocessorCount)
        w.push_back(std::string("the plan was built on a device with ") + std::to_string(plan.multiprocessorCount) +
                    (plan.backend == "cpu" ? " cores" : " SMs") + "; this one has " +
                    std::to_string(here.multiprocessorCount));
    if (plan.backend != "cuda") return w;
    if (plan.cudaVersion != here.cudaVersion)
        w.push_back("the plan was built with CUDA " + plan.cudaVersion + "; this is CUDA " + here.cudaVersion);
    if (plan.cudnnVersion != here.cudnnVersion)
        w.push_back("the plan was built with cuDNN " + plan.cudnnVersion + "; this is cuDNN " + here.cudnnVersion);
    if (plan.cublasVersion != here.cublasVersion)
        w.push_back("the plan was built with cuBLAS " + plan.cublasVersion + "; this is cuBLAS " + here.cublasVersion);
    return w;
}

std::string sha256Hex(const void* data, size_t size) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data, size, digest, &length, EVP_sha256(), nullptr) != 1) return {};
    static const char* digits = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex += digits[digest[i] >> 4];
        hex += digits[digest[i] & 0xf];
    }
    return hex;
}

}  // namespace kiln::plan

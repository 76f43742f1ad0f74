// Einsum: out[output labels] = sum over the other labels of prod_i input_i[its labels].
// Repeated labels within one term read a diagonal; "..." stands for broadcast dims.
#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "ops/common.h"
#include "ops/matmul_internal.h"

namespace kiln::ops {
namespace {

constexpr int kNumLetters = 52;  // a-z -> 0..25, A-Z -> 26..51; ellipsis dims follow
constexpr int kEllipsis = -1;

int letterLabel(char c) {
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= 'A' && c <= 'Z') return 26 + (c - 'A');
    return -2;
}

// One term ("ij", "...ii") as label ids, kEllipsis marking where "..." stands.
Expected<std::vector<int>> parseTerm(const KernelContext& ctx, const std::string& term) {
    std::vector<int> labels;
    bool sawEllipsis = false;
    for (size_t i = 0; i < term.size(); ++i) {
        if (term[i] == '.') {
            if (term.compare(i, 3, "...") != 0 || sawEllipsis)
                return ctx.error("bad ellipsis in einsum term '" + term + "'");
            sawEllipsis = true;
            labels.push_back(kEllipsis);
            i += 2;
            continue;
        }
        const int l = letterLabel(term[i]);
        if (l < 0) return ctx.error(std::string("bad character '") + term[i] + "' in einsum term '" + term + "'");
        labels.push_back(l);
    }
    return labels;
}

struct EinsumPlan {
    std::vector<int64_t> iterDims;               // output labels first, then summed labels
    std::vector<std::vector<int64_t>> strides;   // per input, then the output, along iterDims
    std::vector<int64_t> outDims;
};

// Expands each input's labels, ellipsis dims getting ids kNumLetters + j (right-aligned).
Expected<std::vector<std::vector<int>>> expandInputs(const KernelContext& ctx, const std::vector<std::vector<int>>& terms,
                                                     int& ellipsisRank) {
    ellipsisRank = 0;
    std::vector<int> ranks;
    for (size_t t = 0; t < terms.size(); ++t) {
        const int letters = int(std::count_if(terms[t].begin(), terms[t].end(), [](int l) { return l != kEllipsis; }));
        const bool hasEllipsis = letters != int(terms[t].size());
        const int rank = ctx.input(int(t)).rank();
        if (rank < letters || (!hasEllipsis && rank != letters))
            return ctx.error("einsum term " + std::to_string(t) + " has " + std::to_string(letters) +
                             " labels but the input has rank " + std::to_string(rank));
        ranks.push_back(rank - letters);
        ellipsisRank = std::max(ellipsisRank, rank - letters);
    }
    std::vector<std::vector<int>> expanded(terms.size());
    for (size_t t = 0; t < terms.size(); ++t) {
        for (int l : terms[t]) {
            if (l != kEllipsis) { expanded[t].push_back(l); continue; }
            for (int j = ellipsisRank - ranks[t]; j < ellipsisRank; ++j) expanded[t].push_back(kNumLetters + j);
        }
    }
    return expanded;
}

// The labels of every input's dims, with sizes (size[l] < 0 for unused labels) and use counts.
struct InputLabels {
    std::vector<std::vector<int>> perInput;
    int ellipsisRank = 0;
    std::vector<int64_t> size;
    std::vector<int> count;
};

Expected<InputLabels> labelInputs(const KernelContext& ctx, const std::string& lhs) {
    std::vector<std::vector<int>> terms;
    for (size_t start = 0;;) {
        const size_t comma = lhs.find(',', start);
        KILN_ASSIGN_OR_RETURN(std::vector<int> term, parseTerm(ctx, lhs.substr(start, comma - start)));
        terms.push_back(std::move(term));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    if (int(terms.size()) != ctx.numInputs())
        return ctx.error("equation has " + std::to_string(terms.size()) + " input terms for " +
                         std::to_string(ctx.numInputs()) + " inputs");
    for (int i = 0; i < ctx.numInputs(); ++i)
        if (!ctx.hasInput(i) || ctx.input(i).dtype() != ctx.input(0).dtype())
            return ctx.error("einsum inputs must all be present and of one type");
    InputLabels in;
    KILN_ASSIGN_OR_RETURN(in.perInput, expandInputs(ctx, terms, in.ellipsisRank));
    // Ellipsis dims broadcast (size 1 stretches); a letter's dims must all agree.
    const int numLabels = kNumLetters + in.ellipsisRank;
    in.size.assign(size_t(numLabels), -1);
    in.count.assign(size_t(numLabels), 0);
    for (size_t t = 0; t < in.perInput.size(); ++t) {
        for (size_t d = 0; d < in.perInput[t].size(); ++d) {
            const int l = in.perInput[t][d];
            const int64_t n = ctx.input(int(t)).dims()[d];
            ++in.count[size_t(l)];
            int64_t& s = in.size[size_t(l)];
            if (s < 0 || (l >= kNumLetters && s == 1)) s = n;
            else if (s != n && !(l >= kNumLetters && n == 1))
                return ctx.error("einsum label sizes disagree (" + std::to_string(s) + " vs " + std::to_string(n) + ")");
        }
    }
    return in;
}

// Output labels: explicit after "->", else the ellipsis dims then the letters used once, sorted.
Expected<std::vector<int>> outputLabels(const KernelContext& ctx, const InputLabels& in, const std::string* rhs) {
    std::vector<int> out;
    if (!rhs) {
        for (int j = 0; j < in.ellipsisRank; ++j) out.push_back(kNumLetters + j);
        for (char c = 'A'; c <= 'z'; ++c) {
            const int l = letterLabel(c);
            if (l >= 0 && in.count[size_t(l)] == 1) out.push_back(l);
        }
        return out;
    }
    KILN_ASSIGN_OR_RETURN(std::vector<int> term, parseTerm(ctx, *rhs));
    for (int l : term) {
        if (l == kEllipsis) {
            for (int j = 0; j < in.ellipsisRank; ++j) out.push_back(kNumLetters + j);
            continue;
        }
        if (in.size[size_t(l)] < 0) return ctx.error("einsum output label is not in any input");
        if (std::find(out.begin(), out.end(), l) != out.end()) return ctx.error("einsum output label is repeated");
        out.push_back(l);
    }
    return out;
}

Expected<EinsumPlan> planEinsum(const KernelContext& ctx, std::string eq) {
    eq.erase(std::remove(eq.begin(), eq.end(), ' '), eq.end());
    const size_t arrow = eq.find("->");
    KILN_ASSIGN_OR_RETURN(InputLabels in, labelInputs(ctx, eq.substr(0, arrow)));
    const std::string rhs = arrow == std::string::npos ? std::string() : eq.substr(arrow + 2);
    KILN_ASSIGN_OR_RETURN(std::vector<int> outLabels, outputLabels(ctx, in, arrow == std::string::npos ? nullptr : &rhs));

    std::vector<int> iterLabels = outLabels;
    for (int l = 0; l < int(in.size.size()); ++l)
        if (in.size[size_t(l)] >= 0 && std::find(outLabels.begin(), outLabels.end(), l) == outLabels.end())
            iterLabels.push_back(l);

    EinsumPlan p;
    for (int l : outLabels) p.outDims.push_back(in.size[size_t(l)]);
    for (int l : iterLabels) p.iterDims.push_back(in.size[size_t(l)]);
    // An input's stride along a label sums the strides of every dim carrying it (the diagonal).
    for (size_t t = 0; t < in.perInput.size(); ++t) {
        const HostTensor& x = ctx.input(int(t));
        const std::vector<int64_t> own = contiguousStrides(x.dims());
        std::vector<int64_t> s(iterLabels.size(), 0);
        for (size_t k = 0; k < iterLabels.size(); ++k)
            for (size_t d = 0; d < in.perInput[t].size(); ++d)
                if (in.perInput[t][d] == iterLabels[k] && x.dims()[d] != 1) s[k] += own[d];
        p.strides.push_back(std::move(s));
    }
    std::vector<int64_t> outStrides = contiguousStrides(p.outDims);
    outStrides.resize(iterLabels.size(), 0);
    p.strides.push_back(std::move(outStrides));
    return p;
}

template <typename T>
void runEinsum(const KernelContext& ctx, const EinsumPlan& p, HostTensor& out) {
    using Acc = MatAcc<T>;
    const int numIn = ctx.numInputs();
    std::vector<const T*> in(static_cast<size_t>(numIn));
    for (int i = 0; i < numIn; ++i) in[size_t(i)] = ctx.input(i).data<T>();
    std::vector<Acc> acc(size_t(out.numel()), Acc(0));
    // The last iteration label runs in a tight loop; the indexer walks the others.
    std::vector<int64_t> outerDims = p.iterDims, innerStride;
    int64_t innerLen = 1;
    std::vector<std::vector<int64_t>> outerStrides = p.strides;
    for (auto& s : outerStrides) {
        innerStride.push_back(s.empty() ? 0 : s.back());
        if (!s.empty()) s.pop_back();
    }
    if (!outerDims.empty()) {
        innerLen = outerDims.back();
        outerDims.pop_back();
    }
    int64_t outerTotal = 1;
    for (int64_t d : outerDims) outerTotal *= d;
    const int64_t* is = innerStride.data();
    MultiIndexer it(outerDims, outerStrides);
    for (int64_t e = 0; e < outerTotal; ++e, it.next()) {
        Acc* po = acc.data() + it.offset(numIn);
        for (int64_t j = 0; j < innerLen; ++j) {
            Acc prod = static_cast<Acc>(in[0][it.offset(0) + j * is[0]]);
            for (int i = 1; i < numIn; ++i) prod *= static_cast<Acc>(in[size_t(i)][it.offset(i) + j * is[i]]);
            po[j * is[numIn]] += prod;
        }
    }
    T* py = out.data<T>();
    for (int64_t i = 0; i < out.numel(); ++i) py[i] = static_cast<T>(acc[size_t(i)]);
}

Status einsumKernel(KernelContext& ctx) {
    if (!ctx.hasAttr("equation")) return ctx.error("Einsum needs an 'equation' attribute");
    KILN_ASSIGN_OR_RETURN(EinsumPlan p, planEinsum(ctx, ctx.attrString("equation", "")));
    KILN_ASSIGN_OR_RETURN(HostTensor * out, ctx.allocateOutput(0, ctx.input(0).dtype(), p.outDims));
    return dispatchType(NumericTypes{}, out->dtype(), [&]<typename T>() -> Status {
        runEinsum<T>(ctx, p, *out);
        return Status::ok();
    });
}

}  // namespace

void registerEinsumOp(OpRegistry& r) { r.add(OpDef{.opType = "Einsum", .domain = "", .minOpset = 12, .kernel = einsumKernel}); }

}  // namespace kiln::ops

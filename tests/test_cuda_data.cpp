// GPU tests of the data-movement tactics (data_tactics*.cpp, kernels_data_*.cu): every op on
// random shapes and attributes (odd sizes, ranks 1-6, negative axes, broadcasting) against the
// CPU reference at FP32 and FP16 and with int64 (and bool / float16) data; pieces of Concat and
// Split already in place; views that share memory; unsupported cases that say which input; and
// the bandwidth of two transposes. Skipped without a GPU.
#include "support/cuda_data_test_support.h"

class TestCudaData : public QObject {
    Q_OBJECT

private slots:
    void views() {
        KILN_SKIP_WITHOUT_GPU();
        for (DataType t : {DataType::Float32, DataType::Int64}) {
            Layer reshape("Reshape", 14);
            reshape.in(t, {2, 3, 5}).ints({5, -1});
            KILN_VERIFY_OK(check(gpu, reshape, 1));
            Layer flatten("Flatten", 13);
            flatten.in(t, {2, 3, 5, 1}).attr("axis", int64_t(-2));
            KILN_VERIFY_OK(check(gpu, flatten, 2));
            Layer squeeze("Squeeze", 13);
            squeeze.in(t, {3, 1, 5, 1}).ints({1, -1});
            KILN_VERIFY_OK(check(gpu, squeeze, 3));
            Layer unsqueeze("Unsqueeze", 13);
            unsqueeze.in(t, {3, 5}).ints({0, -1});
            KILN_VERIFY_OK(check(gpu, unsqueeze, 4));
            Layer identity("Identity", 16);
            identity.in(t, {7});
            KILN_VERIFY_OK(check(gpu, identity, 5));
        }
        // Inference Dropout with its mask: bool from opset 10, the input's type before.
        Layer dropout("Dropout", 13);
        dropout.in(DataType::Float32, {4, 9}).floats({0.3f}).constant(HostTensor::scalar(DataType::Bool, 0)).outputs(2);
        KILN_VERIFY_OK(check(gpu, dropout, 6));
        Layer dropout7("Dropout", 7);
        dropout7.in(DataType::Float32, {3, 5}).attr("ratio", 0.2f).outputs(2);
        KILN_VERIFY_OK(check(gpu, dropout7, 7));
        Layer training("Dropout", 13);
        training.in(DataType::Float32, {4}).floats({0.3f}).constant(HostTensor::scalar(DataType::Bool, 1));
        QCOMPARE(tacticsFor(gpu, training.node(), Precision::FP32, training.inputs(8)).status().code(), StatusCode::Unsupported);

        // Sharing memory (what the executor does): nothing is copied, the output is the input.
        Layer shared("Reshape", 14);
        shared.in(DataType::Float32, {4, 6}).ints({3, 8});
        const std::vector<HostTensor> in = shared.inputs(9);
        auto run = prepareFirst(gpu, shared.node(), in);
        KILN_VERIFY_EXPECTED(run);
        auto x = cuda::DeviceBuffer::allocate(in[0].byteSize(), "x");
        KILN_VERIFY_EXPECTED(x);
        KILN_VERIFY_OK(upload(x->get(), in[0]));
        run->args.inputs[0].data = x->get();
        run->args.outputs[0].data = x->get();
        KILN_VERIFY_OK(run->kernel->enqueue(run->args));
        auto back = download(x->get(), DataType::Float32, {3, 8});
        KILN_VERIFY_EXPECTED(back);
        QCOMPARE(relativeL2(*back, in[0].reshaped({3, 8}).value()), 0.0);
    }

    void transpose() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(11);
        for (int i = 0; i < 14; ++i) {
            const int rank = int(r.uniform(1, 5));
            Dims perm(static_cast<size_t>(rank));
            std::iota(perm.begin(), perm.end(), 0);
            std::shuffle(perm.begin(), perm.end(), r.g);
            if (i % 3 == 0) perm[size_t(r.uniform(0, rank - 1))] -= rank;  // a negative axis
            Layer l("Transpose", 13);
            l.in(r.dataType(i), r.dims(rank, 1, 9)).attr("perm", perm);
            KILN_VERIFY_OK(check(gpu, l, uint64_t(100 + i)));
        }
        // Shapes that cross tile edges, the layouts of attention and NCHW <-> NHWC, rank 6, reversed
        // axes (no perm), float16 and int8 data.
        const std::pair<Dims, Dims> cases[] = {
            {{2, 5, 3, 8}, {0, 2, 1, 3}}, {{2, 3, 17, 19}, {0, 2, 3, 1}}, {{2, 17, 19, 3}, {0, 3, 1, 2}},
            {{3, 70, 45}, {0, 2, 1}},     {{33, 65}, {1, 0}},             {{2, 3, 2, 3, 2, 5}, {5, 3, 1, 4, 0, 2}},
            {{4, 1, 37, 1, 9}, {4, 2, 1, 0, 3}}, {{3, 4, 5}, {}}};
        int seed = 200;
        for (const auto& [dims, perm] : cases)
            for (DataType t : {DataType::Float32, DataType::Float16, DataType::Int8}) {
                Layer l("Transpose", 13);
                l.in(t, dims);
                if (!perm.empty()) l.attr("perm", perm);
                KILN_VERIFY_OK(check(gpu, l, uint64_t(seed++)));
            }
        // The tiled tactic is listed where the innermost axis moves; tuned there, it still runs
        // shapes where the move is only across a size-1 axis.
        Layer nhwc("Transpose", 13);
        nhwc.in(DataType::Float32, {2, 8, 5}).attr("perm", Dims{0, 2, 1});
        auto tactics = tacticsFor(gpu, nhwc.node(), Precision::FP32, nhwc.inputs(1));
        KILN_VERIFY_EXPECTED(tactics);
        QCOMPARE(tactics->size(), size_t(2));
        QCOMPARE(tactics->front().name, std::string("kiln.transpose.tiled"));
        HostTensor flat(DataType::Float32, {2, 8, 1});
        for (int64_t i = 0; i < flat.numel(); ++i) flat.data<float>()[i] = float(i);
        auto want = cuda::cpuReference(nhwc.node(), {flat});
        KILN_VERIFY_EXPECTED(want);
        auto trial = cuda::runTactic(gpu, nhwc.node(), Precision::FP32, tactics->front(), {flat}, *want);
        KILN_VERIFY_EXPECTED(trial);
        QCOMPARE(relativeL2(trial->outputs[0], (*want)[0]), 0.0);
    }

    void depthAndSpace() {
        KILN_SKIP_WITHOUT_GPU();
        int seed = 300;
        for (DataType t : {DataType::Float32, DataType::Int64})
            for (int64_t b : {2, 3}) {
                for (const char* mode : {"DCR", "CRD"}) {
                    Layer d2s("DepthToSpace", 13);
                    d2s.in(t, {2, 2 * b * b, 3, 5}).attr("blocksize", b).attr("mode", std::string(mode));
                    KILN_VERIFY_OK(check(gpu, d2s, uint64_t(seed++)));
                }
                Layer s2d("SpaceToDepth", 13);
                s2d.in(t, {2, 3, 2 * b, 3 * b}).attr("blocksize", b);
                KILN_VERIFY_OK(check(gpu, s2d, uint64_t(seed++)));
            }
    }

    void concat() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(21);
        for (int i = 0; i < 12; ++i) {
            const int rank = int(r.uniform(1, 5));
            const int64_t axis = r.uniform(-rank, rank - 1);
            const size_t a = size_t(axis < 0 ? axis + rank : axis);
            const Dims base = r.dims(rank, 1, 6);
            Layer l("Concat", 13);
            l.attr("axis", axis);
            for (int64_t k = r.uniform(1, 4); k > 0; --k) {
                Dims d = base;
                d[a] = r.uniform(1, 5);
                l.in(r.dataType(i), d);
            }
            KILN_VERIFY_OK(check(gpu, l, uint64_t(400 + i)));
        }
        // kiln_inplace: inputs 0 and 2 already live in their slices of y [7, 3, 5]; input 1 is copied.
        Layer l("Concat", 13);
        l.in(DataType::Float32, {2, 3, 5}).in(DataType::Float32, {4, 3, 5}).in(DataType::Float32, {1, 3, 5});
        l.attr("axis", int64_t(0)).attr("kiln_inplace", int64_t(1));
        const std::vector<HostTensor> in = l.inputs(450);
        auto want = cuda::cpuReference(l.node(), in);
        KILN_VERIFY_EXPECTED(want);
        auto run = prepareFirst(gpu, l.node(), in);
        KILN_VERIFY_EXPECTED(run);
        auto y = cuda::DeviceBuffer::allocate(7 * 15 * 4, "y"), b = cuda::DeviceBuffer::allocate(4 * 15 * 4, "b");
        KILN_VERIFY_EXPECTED(y);
        KILN_VERIFY_EXPECTED(b);
        KILN_VERIFY_OK(upload(at(*y, 0), in[0]));
        KILN_VERIFY_OK(upload(b->get(), in[1]));
        KILN_VERIFY_OK(upload(at(*y, 6 * 15), in[2]));
        run->args.inputs[0].data = at(*y, 0);
        run->args.inputs[1].data = b->get();
        run->args.inputs[2].data = at(*y, 6 * 15);
        run->args.outputs[0].data = y->get();
        KILN_VERIFY_OK(run->kernel->enqueue(run->args));
        auto got = download(y->get(), DataType::Float32, {7, 3, 5});
        KILN_VERIFY_EXPECTED(got);
        QCOMPARE(relativeL2(*got, (*want)[0]), 0.0);
    }

    void split() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(31);
        for (int i = 0; i < 12; ++i) {
            const int rank = int(r.uniform(1, 4));
            const int64_t axis = r.uniform(-rank, rank - 1);
            const size_t a = size_t(axis < 0 ? axis + rank : axis);
            const int outputs = int(r.uniform(1, 3));
            const int variant = i % 4;  // split input, num_outputs (uneven), attribute, equal parts
            Dims dims = r.dims(rank, 1, 5);
            dims[a] = variant == 3 ? 2 * outputs : r.uniform(3, 9);
            Dims sizes(size_t(outputs), 0);  // random, some may be 0
            for (int64_t k = 0; k < dims[a]; ++k) ++sizes[size_t(r.uniform(0, outputs - 1))];
            Layer l("Split", variant == 1 ? 18 : variant == 2 ? 11 : 13);
            l.in(r.dataType(i), dims).attr("axis", axis).outputs(outputs);
            if (variant == 0) l.ints(sizes);
            if (variant == 1) l.attr("num_outputs", int64_t(outputs));
            if (variant == 2) l.attr("split", sizes);
            KILN_VERIFY_OK(check(gpu, l, uint64_t(500 + i)));
        }
        // kiln_view: outputs 0 and 2 are views of their slices of x [7, 3, 5]; output 1 is copied.
        Layer l("Split", 13);
        l.in(DataType::Float32, {7, 3, 5}).ints({2, 4, 1}).attr("axis", int64_t(0)).attr("kiln_view", int64_t(1)).outputs(3);
        const std::vector<HostTensor> in = l.inputs(550);
        auto want = cuda::cpuReference(l.node(), in);
        KILN_VERIFY_EXPECTED(want);
        auto run = prepareFirst(gpu, l.node(), in);
        KILN_VERIFY_EXPECTED(run);
        auto x = cuda::DeviceBuffer::allocate(7 * 15 * 4, "x"), y1 = cuda::DeviceBuffer::allocate(4 * 15 * 4, "y1");
        KILN_VERIFY_EXPECTED(x);
        KILN_VERIFY_EXPECTED(y1);
        KILN_VERIFY_OK(upload(x->get(), in[0]));
        run->args.inputs[0].data = x->get();
        run->args.outputs[0].data = at(*x, 0);
        run->args.outputs[1].data = y1->get();
        run->args.outputs[2].data = at(*x, 6 * 15);
        KILN_VERIFY_OK(run->kernel->enqueue(run->args));
        const std::pair<const void*, int> outs[] = {{at(*x, 0), 0}, {y1->get(), 1}, {at(*x, 6 * 15), 2}};
        for (const auto& [ptr, k] : outs) {
            auto got = download(ptr, DataType::Float32, (*want)[size_t(k)].dims());
            KILN_VERIFY_EXPECTED(got);
            QCOMPARE(relativeL2(*got, (*want)[size_t(k)]), 0.0);
        }
    }

    void slice() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(41);
        for (int i = 0; i < 16; ++i) {
            const int rank = int(r.uniform(1, 4));
            const Dims dims = r.dims(rank, 1, 9);
            Dims axes(static_cast<size_t>(rank));
            std::iota(axes.begin(), axes.end(), 0);
            std::shuffle(axes.begin(), axes.end(), r.g);
            axes.resize(size_t(r.uniform(1, rank)));
            Dims starts, ends, steps;
            for (int64_t& a : axes) {
                const int64_t d = dims[size_t(a)];
                starts.push_back(r.uniform(-d - 2, d + 2));
                ends.push_back(i % 5 == 0 ? (r.uniform(0, 1) ? INT64_MAX : INT64_MIN) : r.uniform(-d - 2, d + 2));
                steps.push_back(r.uniform(0, 1) ? r.uniform(1, 3) : -r.uniform(1, 3));
                if (r.uniform(0, 1)) a -= rank;
            }
            if (i % 4 == 3) {  // Slice-1: attributes, step 1
                Layer l("Slice", 9);
                l.in(r.dataType(i), dims).attr("starts", starts).attr("ends", ends).attr("axes", axes);
                KILN_VERIFY_OK(check(gpu, l, uint64_t(600 + i)));
                continue;
            }
            Layer l("Slice", 13);
            l.in(r.dataType(i), dims).ints(starts).ints(ends).ints(axes).ints(steps);
            KILN_VERIFY_OK(check(gpu, l, uint64_t(600 + i)));
        }
    }

    void gather() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(51);
        for (int i = 0; i < 14; ++i) {
            const int rank = int(r.uniform(1, 4));
            const Dims dims = r.dims(rank, 1, 7);
            const int64_t axis = r.uniform(-rank, rank - 1);
            const int64_t dim = dims[size_t(axis < 0 ? axis + rank : axis)];
            const DataType indexType = i % 2 ? DataType::Int32 : DataType::Int64;
            const Dims idxDims = r.dims(int(r.uniform(0, 2)), 1, 4);
            Layer l("Gather", 13);
            l.attr("axis", axis).in(r.dataType(i), dims);
            if (i % 3 == 2) l.constant(indices(r, indexType, idxDims, dim));
            else l.in(indexType, idxDims);
            std::vector<HostTensor> in = l.inputs(uint64_t(700 + i));
            if (in[1].isValid()) in[1] = indices(r, indexType, idxDims, dim);
            KILN_VERIFY_OK(check(gpu, l, in));
        }
        // An embedding table: constant float data (uploaded as float16 at FP16), run-time ids.
        Layer embed("Gather", 13);
        HostTensor table(DataType::Float32, {50, 24});
        for (int64_t i = 0; i < table.numel(); ++i) table.data<float>()[i] = float(i % 17) / 17.0f - 0.5f;
        embed.constant(table).in(DataType::Int64, {3, 5});
        std::vector<HostTensor> in = embed.inputs(750);
        in[1] = indices(r, DataType::Int64, {3, 5}, 50);
        KILN_VERIFY_OK(check(gpu, embed, in));
    }

    void gatherElements() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(61);
        for (int i = 0; i < 10; ++i) {
            const int rank = int(r.uniform(1, 4));
            const Dims dims = r.dims(rank, 1, 6);
            const int64_t axis = r.uniform(-rank, rank - 1);
            const size_t a = size_t(axis < 0 ? axis + rank : axis);
            Dims idxDims;
            for (int k = 0; k < rank; ++k) idxDims.push_back(size_t(k) == a ? r.uniform(1, 6) : r.uniform(1, dims[size_t(k)]));
            const DataType indexType = i % 2 ? DataType::Int32 : DataType::Int64;
            Layer l("GatherElements", 13);
            l.attr("axis", axis).in(r.dataType(i), dims).in(indexType, idxDims);
            std::vector<HostTensor> in = l.inputs(uint64_t(800 + i));
            in[1] = indices(r, indexType, idxDims, dims[a]);
            KILN_VERIFY_OK(check(gpu, l, in));
        }
    }

};

QTEST_GUILESS_MAIN(TestCudaData)
#include "test_cuda_data.moc"

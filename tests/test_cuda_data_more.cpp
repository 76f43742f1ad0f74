// GPU tests of the data-movement tactics (data_tactics*.cpp, kernels_data_*.cu): every op on
// random shapes and attributes (odd sizes, ranks 1-6, negative axes, broadcasting) against the
// CPU reference at FP32 and FP16 and with int64 (and bool / float16) data; pieces of Concat and
// Split already in place; views that share memory; unsupported cases that say which input; and
// the bandwidth of two transposes. Skipped without a GPU.
#include "support/cuda_data_test_support.h"

class TestCudaDataMore : public QObject {
    Q_OBJECT

private slots:
    void expandAndTile() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(71);
        for (int i = 0; i < 10; ++i) {
            const int rank = int(r.uniform(1, 4));
            Dims in = r.dims(rank, 1, 5), shape;
            for (int64_t& d : in)
                if (r.uniform(0, 2) == 0) d = 1;
            for (int k = int(r.uniform(0, 2)); k > 0; --k) shape.push_back(r.uniform(1, 4));  // new leading axes
            for (int64_t d : in) shape.push_back(d == 1 ? r.uniform(1, 4) : r.uniform(0, 1) ? d : 1);
            Layer expand("Expand", 13);
            expand.in(r.dataType(i), in).ints(shape);
            KILN_VERIFY_OK(check(gpu, expand, uint64_t(900 + i)));

            Dims repeats = r.dims(rank, 1, 3);
            Layer tile("Tile", 13);
            tile.in(r.dataType(i + 1), r.dims(rank, 1, 5)).ints(repeats);
            KILN_VERIFY_OK(check(gpu, tile, uint64_t(950 + i)));
        }
    }

    void pad() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(81);
        int i = 0;
        for (const char* mode : {"constant", "reflect", "edge", "wrap"})
            for (int k = 0; k < 4; ++k, ++i) {
                const int rank = int(r.uniform(1, 4));
                const Dims dims = r.dims(rank, 2, 6);
                Dims pads(2 * size_t(rank));
                for (size_t a = 0; a < pads.size(); ++a) {
                    const int64_t d = dims[a % size_t(rank)];
                    pads[a] = std::string(mode) == "constant" || std::string(mode) == "wrap" ? r.uniform(-1, 3) : r.uniform(0, d - 1);
                }
                const DataType t = k == 1 ? DataType::Int64 : DataType::Float32;
                Layer l("Pad", k == 3 ? 2 : 18);
                l.in(t, dims).attr("mode", std::string(mode));
                if (k == 3) {  // Pad-2: attributes
                    l.attr("pads", pads).attr("value", 0.75f);
                } else {
                    l.ints(pads);
                    if (k == 0) l.in(t, {});  // constant_value at run time
                    else if (k == 1) l.constant(HostTensor::scalar(t, 3));
                    else l.constant(HostTensor::scalar(t, -0.5));
                }
                KILN_VERIFY_OK(check(gpu, l, uint64_t(1000 + i)));
            }
        // Opset 18: pads for some axes only (negative ones).
        Layer l("Pad", 18);
        l.in(DataType::Float32, {3, 4, 5}).ints({1, 2, 0, 3}).constant(HostTensor::scalar(DataType::Float32, 1.5)).ints({-1, 0});
        KILN_VERIFY_OK(check(gpu, l, 1100));
    }

    void where() {
        KILN_SKIP_WITHOUT_GPU();
        Rng r(91);
        for (int i = 0; i < 12; ++i) {
            const int rank = int(r.uniform(1, 5));
            const Dims out = r.dims(rank, 1, 6);
            auto operand = [&] {  // out's dims with some broadcast to 1 and leading axes dropped
                Dims d(out.begin() + r.uniform(0, rank - 1), out.end());
                for (int64_t& x : d)
                    if (r.uniform(0, 2) == 0) x = 1;
                return d;
            };
            const DataType t = i % 3 == 1 ? DataType::Int64 : DataType::Float32;
            Layer l("Where", 16);
            l.in(DataType::Bool, operand()).in(t, operand()).in(t, i % 4 == 0 ? out : operand());
            KILN_VERIFY_OK(check(gpu, l, uint64_t(1200 + i)));
        }
    }

    void resize() {
        KILN_SKIP_WITHOUT_GPU();
        const char* coords[] = {"half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
                                "asymmetric", "tf_half_pixel_for_nearest", "tf_crop_and_resize"};
        const float scales[] = {0.5f, 0.6f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f};
        Rng r(101);
        int seed = 1300;
        for (const char* coord : coords)
            for (const char* nearest : {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil", "linear"}) {
                const bool linear = std::string(nearest) == "linear";
                // tf_half_pixel_for_nearest shifts every axis by half a pixel: linear would blend N and C.
                if (linear && std::string(coord) == "tf_half_pixel_for_nearest") continue;
                const Dims dims = {r.uniform(1, 2), r.uniform(1, 3), r.uniform(3, 7), r.uniform(3, 7)};
                const bool crop = std::string(coord) == "tf_crop_and_resize";
                Layer l("Resize", 19);
                l.in(seed % 3 == 2 && !linear ? DataType::Int64 : DataType::Float32, dims);
                l.attr("mode", std::string(linear ? "linear" : "nearest")).attr("coordinate_transformation_mode", std::string(coord));
                if (!linear) l.attr("nearest_mode", std::string(nearest));
                if (crop) l.floats({0, 0, 0.1f, 0.2f, 1, 1, 0.8f, 0.9f}).attr("extrapolation_value", 0.5f);
                else l.omitted();
                if (seed % 2) {
                    l.floats({1, 1, scales[r.uniform(0, 6)], scales[r.uniform(0, 6)]});
                } else {
                    l.omitted().ints({dims[0], dims[1], r.uniform(2, 12), r.uniform(2, 12)});
                    if (linear && seed % 4 == 0) l.attr("exclude_outside", int64_t(1));
                }
                KILN_VERIFY_OK(check(gpu, l, uint64_t(seed++)));
            }
        // 1-D linear, opset-18 axes with keep_aspect_ratio_policy, run-time sizes (stretch).
        Layer line("Resize", 19);
        line.in(DataType::Float32, {2, 3, 7}).omitted().floats({1.7f}).attr("mode", std::string("linear")).attr("axes", Dims{-1});
        KILN_VERIFY_OK(check(gpu, line, 1400));
        Layer policy("Resize", 18);
        policy.in(DataType::Float32, {1, 2, 5, 8}).omitted().omitted().ints({7, 7}).attr("axes", Dims{2, 3});
        policy.attr("keep_aspect_ratio_policy", std::string("not_larger"));
        KILN_VERIFY_OK(check(gpu, policy, 1401));
        Layer sizes("Resize", 13);
        sizes.in(DataType::Float32, {1, 2, 4, 5}).omitted().omitted().in(DataType::Int64, {4}).attr("mode", std::string("linear"));
        std::vector<HostTensor> in = sizes.inputs(1402);
        in[3] = HostTensor::fromVector<int64_t>({4}, {1, 2, 9, 3});
        KILN_VERIFY_OK(check(gpu, sizes, in));
        // Resize-10 and Upsample: asymmetric, nearest rounding down (up when downsampling).
        for (const char* mode : {"nearest", "linear"}) {
            Layer r10("Resize", 10);
            r10.in(DataType::Float32, {1, 2, 5, 6}).floats({1, 1, 0.6f, 2.5f}).attr("mode", std::string(mode));
            KILN_VERIFY_OK(check(gpu, r10, 1410));
            Layer up9("Upsample", 9);
            up9.in(DataType::Float32, {1, 2, 3, 4}).floats({1, 1, 2, 3}).attr("mode", std::string(mode));
            KILN_VERIFY_OK(check(gpu, up9, 1411));
            Layer up7("Upsample", 7);
            up7.in(DataType::Float32, {2, 3, 4}).attr("scales", std::vector<float>{1, 2, 1.5f}).attr("mode", std::string(mode));
            KILN_VERIFY_OK(check(gpu, up7, 1412));
        }
    }

    void shapeAndGenerators() {
        KILN_SKIP_WITHOUT_GPU();
        Layer shape("Shape", 15);
        shape.in(DataType::Float32, {2, 3, 4, 5}).attr("start", int64_t(1)).attr("end", int64_t(-1));
        KILN_VERIFY_OK(check(gpu, shape, 1));
        Layer whole("Shape", 13);
        whole.in(DataType::Int64, {7, 1, 3});
        KILN_VERIFY_OK(check(gpu, whole, 2));
        Layer size("Size", 13);
        size.in(DataType::Float32, {3, 5});
        KILN_VERIFY_OK(check(gpu, size, 3));
        for (HostTensor value : {HostTensor::scalar(DataType::Float32, 1.5), HostTensor::scalar(DataType::Int64, 7)}) {
            Layer l("ConstantOfShape", 20);
            l.in(DataType::Int64, {3}).attr("value", value.reshaped({1}).value());
            std::vector<HostTensor> in = l.inputs(4);
            in[0] = HostTensor::fromVector<int64_t>({3}, {2, 3, 5});
            KILN_VERIFY_OK(check(gpu, l, in));
        }
        const std::pair<DataType, std::array<double, 3>> ranges[] = {
            {DataType::Float32, {0.5, 7.3, 0.7}}, {DataType::Int64, {-3, 20, 3}}, {DataType::Int32, {10, -4, -3}}};
        for (const auto& [t, v] : ranges) {
            Layer l("Range", 11);
            l.in(t, {}).in(t, {}).in(t, {});
            std::vector<HostTensor> in = l.inputs(5);
            for (size_t k = 0; k < 3; ++k) in[k] = HostTensor::scalar(t, v[k]);
            KILN_VERIFY_OK(check(gpu, l, in));
        }
    }

    // A run-time input the kernel must read on the host is refused, naming the input.
    void unsupportedSaysWhy() {
        KILN_SKIP_WITHOUT_GPU();
        auto reason = [&](Layer& l, std::vector<HostTensor> in) {
            return QString::fromStdString(tacticsFor(gpu, l.node(), Precision::FP32, in).status().message());
        };
        Layer slice("Slice", 13);
        slice.in(DataType::Float32, {4, 5}).in(DataType::Int64, {1}).ints({3});
        std::vector<HostTensor> in = slice.inputs(1);
        in[1] = HostTensor::fromVector<int64_t>({1}, {1});
        QVERIFY(reason(slice, in).contains("input 1 (starts)"));
        Layer pad("Pad", 13);
        pad.in(DataType::Float32, {4, 5}).in(DataType::Int64, {4});
        in = pad.inputs(2);
        in[1] = HostTensor::fromVector<int64_t>({4}, {0, 1, 1, 0});
        QVERIFY(reason(pad, in).contains("input 1 (pads)"));
        Layer cubic("Resize", 13);
        cubic.in(DataType::Float32, {1, 1, 4, 4}).omitted().floats({1, 1, 2, 2}).attr("mode", std::string("cubic"));
        QVERIFY(reason(cubic, cubic.inputs(3)).contains("cubic"));
        Layer scales("Resize", 13);
        scales.in(DataType::Float32, {1, 1, 4, 4}).omitted().in(DataType::Float32, {4});
        in = scales.inputs(4);
        in[2] = HostTensor::fromVector<float>({4}, {1, 1, 2, 2});
        QVERIFY(reason(scales, in).contains("input 2 (scales)"));
    }

    // [B, S, H, D] -> [B, H, S, D] (BERT-base attention heads, batch 64) and NCHW -> NHWC, FP16:
    // checked, then timed per tactic; bandwidth counts bytes read plus written.
    void transposeBandwidth() {
        KILN_SKIP_WITHOUT_GPU();
        const std::pair<Dims, Dims> cases[] = {{{64, 128, 12, 64}, {0, 2, 1, 3}}, {{64, 64, 56, 56}, {0, 2, 3, 1}}};
        for (const auto& [dims, perm] : cases) {
            Layer l("Transpose", 13);
            l.in(DataType::Float32, dims).attr("perm", perm);
            const std::vector<HostTensor> in = l.inputs(7);
            KILN_VERIFY_OK(checkTactics(gpu, l.node(), Precision::FP16, in));
            auto tactics = tacticsFor(gpu, l.node(), Precision::FP16, in);
            KILN_VERIFY_EXPECTED(tactics);
            for (const cuda::Tactic& t : *tactics) {
                auto gbs = bandwidth(gpu, l.node(), t, dims, 200);
                KILN_VERIFY_EXPECTED(gbs);
                qInfo("%s %s perm %s FP16 %s: %.0f GB/s (%.1f MB moved per run)", gpu.device().name.c_str(),
                      dimsText(dims).c_str(), dimsText(perm).c_str(), t.name.c_str(), *gbs, 4.0 * double(numel(dims)) / 1e6);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestCudaDataMore)
#include "test_cuda_data_more.moc"

// core/: Status, Expected, DataType, Half/BFloat16, Shape, HostTensor, comparison helpers.
#include <QtTest>

#include <cmath>
#include <limits>

#include "core/compare.h"
#include "core/data_type.h"
#include "core/host_tensor.h"
#include "core/shape.h"
#include "support/test_support.h"

using namespace kiln;

namespace {
Expected<int> half(int v) {
    if (v % 2) return invalidArgument(std::to_string(v) + " is odd");
    return v / 2;
}
Expected<int> quarter(int v) {
    KILN_ASSIGN_OR_RETURN(int h, half(v));
    KILN_ASSIGN_OR_RETURN(int q, half(h));
    return q;
}
}  // namespace

class TestCore : public QObject {
    Q_OBJECT

private slots:
    void statusCarriesNodeAndOp() {
        Status st(StatusCode::InvalidModel, "weights must have rank 4", "Conv_3", "Conv");
        QVERIFY(!st.isOk());
        QCOMPARE(st.node(), std::string("Conv_3"));
        QCOMPARE(QString::fromStdString(st.toString()), QString("InvalidModel: node 'Conv_3' (Conv): weights must have rank 4"));
        Status other = invalidArgument("x");
        other.atNode("A", "Relu").atNode("B", "Add");  // the first node recorded wins
        QCOMPARE(other.node(), std::string("A"));
        QVERIFY(Status::ok().isOk());
    }

    void expectedPropagates() {
        auto ok = quarter(12);
        QVERIFY(ok.hasValue());
        QCOMPARE(*ok, 3);
        auto bad = quarter(6);  // 6 -> 3 -> odd
        QVERIFY(!bad.hasValue());
        QCOMPARE(bad.status().code(), StatusCode::InvalidArgument);
        QCOMPARE(bad.status().message(), std::string("3 is odd"));
    }

    void dataTypesFromOnnx_data() {
        QTest::addColumn<int>("onnx");
        QTest::addColumn<bool>("supported");
        QTest::addColumn<int>("size");
        QTest::newRow("float") << 1 << true << 4;
        QTest::newRow("uint8") << 2 << true << 1;
        QTest::newRow("int8") << 3 << true << 1;
        QTest::newRow("uint16") << 4 << true << 2;
        QTest::newRow("int16") << 5 << true << 2;
        QTest::newRow("int32") << 6 << true << 4;
        QTest::newRow("int64") << 7 << true << 8;
        QTest::newRow("string") << 8 << false << 0;
        QTest::newRow("bool") << 9 << true << 1;
        QTest::newRow("float16") << 10 << true << 2;
        QTest::newRow("double") << 11 << true << 8;
        QTest::newRow("uint32") << 12 << true << 4;
        QTest::newRow("uint64") << 13 << true << 8;
        QTest::newRow("complex64") << 14 << false << 0;
        QTest::newRow("complex128") << 15 << false << 0;
        QTest::newRow("bfloat16") << 16 << true << 2;
        QTest::newRow("float8") << 17 << false << 0;
        QTest::newRow("undefined") << 0 << false << 0;
        QTest::newRow("garbage") << 99 << false << 0;
    }
    void dataTypesFromOnnx() {
        QFETCH(int, onnx);
        QFETCH(bool, supported);
        QFETCH(int, size);
        auto t = dataTypeFromOnnx(onnx);
        QCOMPARE(t.hasValue(), supported);
        if (supported) {
            QCOMPARE(int(dataTypeSize(*t)), size);
            QCOMPARE(dataTypeToOnnx(*t), onnx);
            QCOMPARE(*dataTypeFromName(dataTypeName(*t)), *t);
        } else {
            QVERIFY(!t.status().message().empty());
        }
    }

    void rejectedTypesAreNamed() {
        QVERIFY(dataTypeFromOnnx(8).status().message().find("string") != std::string::npos);
        QVERIFY(dataTypeFromOnnx(14).status().message().find("complex") != std::string::npos);
        QCOMPARE(dataTypeFromOnnx(8).status().code(), StatusCode::Unsupported);
        QCOMPARE(dataTypeFromOnnx(99).status().code(), StatusCode::InvalidModel);
    }

    void halfKnownValues() {
        QCOMPARE(floatToHalfBits(1.0f), uint16_t(0x3C00));
        QCOMPARE(floatToHalfBits(-2.0f), uint16_t(0xC000));
        QCOMPARE(floatToHalfBits(65504.0f), uint16_t(0x7BFF));
        QCOMPARE(floatToHalfBits(65520.0f), uint16_t(0x7C00));           // rounds to +inf
        QCOMPARE(floatToHalfBits(std::ldexp(1.0f, -24)), uint16_t(0x0001));  // smallest subnormal
        QCOMPARE(floatToHalfBits(std::ldexp(1.0f, -26)), uint16_t(0x0000));  // underflows
        QCOMPARE(floatToHalfBits(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3C00));  // tie -> even
        QCOMPARE(floatToHalfBits(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3C02));  // tie -> even (up)
        QVERIFY(std::isnan(halfBitsToFloat(floatToHalfBits(std::nanf("")))));
        QCOMPARE(halfBitsToFloat(0x7C00), std::numeric_limits<float>::infinity());
    }

    void halfRoundTripsEveryValue() {
        for (uint32_t b = 0; b < 0x10000; ++b) {
            float f = halfBitsToFloat(uint16_t(b));
            if (std::isnan(f)) continue;
            QCOMPARE(floatToHalfBits(f), uint16_t(b));
        }
    }

    void bfloat16Rounds() {
        QCOMPARE(floatToBFloat16Bits(1.0f), uint16_t(0x3F80));
        QCOMPARE(bfloat16BitsToFloat(0x3F80), 1.0f);
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to even -> 1
        QCOMPARE(floatToBFloat16Bits(1.0f + std::ldexp(1.0f, -8)), uint16_t(0x3F80));
        QVERIFY(std::isnan(float(BFloat16(std::nanf("")))));
    }

    void shapesWithSymbols() {
        Shape s({Dim::symbolic("batch"), Dim(3), Dim(224), Dim::unknown()});
        QCOMPARE(QString::fromStdString(s.toString()), QString("[batch, 3, 224, ?]"));
        QVERIFY(!s.isStatic());
        QVERIFY(!s.numel().hasValue());
        Shape t{1, 3, 224, 224};
        QVERIFY(t.isStatic());
        QCOMPARE(*t.numel(), int64_t(150528));
        QVERIFY(!s.conflictsWith(t));  // batch and ? may be anything
        QVERIFY(s.conflictsWith(Shape{1, 4, 224, 224}));
        QVERIFY(s.conflictsWith(Shape{1, 3, 224}));
        QVERIFY(!Shape::unknownRank().conflictsWith(t));
    }

    void numelOverflowIsAnError() {
        QVERIFY(!checkedNumel({int64_t(1) << 31, int64_t(1) << 31, 4}).hasValue());
        QCOMPARE(checkedNumel({int64_t(1) << 31, int64_t(1) << 31, 4}).status().code(), StatusCode::OutOfRange);
        QVERIFY(!checkedNumel({2, -1}).hasValue());
        QCOMPARE(*checkedNumel({0, int64_t(1) << 30}), int64_t(0));
        QVERIFY(!HostTensor::create(DataType::Float32, {int64_t(1) << 20, int64_t(1) << 20, int64_t(1) << 20}).hasValue());
    }

    void hostTensorBasics() {
        auto t = HostTensor::fromVector<float>({2, 3}, {1, 2, 3, 4, 5, 6});
        QCOMPARE(t.numel(), int64_t(6));
        QCOMPARE(t.byteSize(), size_t(24));
        auto r = t.reshaped({3, 2});
        QVERIFY(r.hasValue());
        QVERIFY(r->sharesBufferWith(t));
        QVERIFY(!t.reshaped({4, 2}).hasValue());
        HostTensor c = t.clone();
        c.data<float>()[0] = 42;
        QCOMPARE(t.data<float>()[0], 1.0f);
        HostTensor h = t.castTo(DataType::Float16);
        QCOMPARE(h.dtype(), DataType::Float16);
        QCOMPARE(h.getDouble(5), 6.0);
        HostTensor i = HostTensor::fromVector<float>({3}, {-1.7f, 0.0f, 2.9f}).castTo(DataType::Int32);
        QCOMPARE(i.data<int32_t>()[0], -1);
        QCOMPARE(i.data<int32_t>()[2], 2);
        HostTensor b = HostTensor::fromVector<float>({3}, {-1.7f, 0.0f, 2.9f}).castTo(DataType::Bool);
        QCOMPARE(b.data<bool>()[0], true);
        QCOMPARE(b.data<bool>()[1], false);
        auto v = HostTensor::fromVector<int32_t>({3}, {1, -2, 3}).toInt64Vector();
        QCOMPARE(*v, (std::vector<int64_t>{1, -2, 3}));
        QVERIFY(!t.toInt64Vector().hasValue());
        QCOMPARE(contiguousStrides({2, 3, 4}), (std::vector<int64_t>{12, 4, 1}));
    }

    void compareHelpers() {
        auto a = HostTensor::fromVector<float>({4}, {1, 2, 3, 4});
        auto b = HostTensor::fromVector<float>({4}, {1, 2, 3, 4.001f});
        CompareResult r = compareTensors(a, b, 1e-3, 0);
        QVERIFY(r.ok());
        QVERIFY(std::fabs(r.maxAbsDiff - 0.001) < 1e-6);
        QVERIFY(r.cosine > 0.9999);
        r = compareTensors(a, b, 1e-5, 0);
        QVERIFY(!r.ok());
        QCOMPARE(r.mismatches, int64_t(1));
        QCOMPARE(r.firstMismatch, int64_t(3));
        QVERIFY(std::fabs(relativeL2(b, a) - 0.001 / std::sqrt(30.0)) < 1e-6);

        const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
        auto n1 = HostTensor::fromVector<float>({3}, {nan, inf, 1});
        auto n2 = HostTensor::fromVector<float>({3}, {nan, inf, 1});
        QVERIFY(compareTensors(n1, n2).ok());
        QVERIFY(hasNanOrInf(n1));
        QVERIFY(!hasNanOrInf(a));
        auto n3 = HostTensor::fromVector<float>({3}, {1, inf, 1});
        QVERIFY(compareTensors(n3, n2).nanMismatch);
        QVERIFY(!compareTensors(n3, n2).ok());
        QVERIFY(!compareTensors(a, HostTensor::fromVector<float>({2, 2}, {1, 2, 3, 4})).shapesMatch);
        QVERIFY(!compareTensors(a, a.castTo(DataType::Float64)).ok());  // types differ
        auto i1 = HostTensor::fromVector<int64_t>({2}, {1, 2});
        auto i2 = HostTensor::fromVector<int64_t>({2}, {1, 3});
        QVERIFY(!compareTensors(i1, i2, 1.0, 1.0).ok());  // integers compare exactly
        QCOMPARE(cosineSimilarity(a, a.clone()), 1.0);
    }
};

QTEST_GUILESS_MAIN(TestCore)
#include "test_core.moc"

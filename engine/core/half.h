// IEEE binary16 (Half) and bfloat16 storage types. Arithmetic goes through float.
#pragma once

#include <cstdint>
#include <cstring>

namespace kiln {

inline float bitsToFloat(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
inline uint32_t floatToBits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }

// Round-to-nearest-even conversion, with subnormals, infinities and NaN.
inline uint16_t floatToHalfBits(float f) {
    uint32_t x = floatToBits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) return uint16_t(sign | (absx > 0x7f800000u ? 0x7e00u : 0x7c00u));
    if (absx >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // rounds to >= 65520: inf
    if (absx < 0x38800000u) {                                   // subnormal or zero in half
        // value = absx as float; half subnormal unit is 2^-24
        float a = bitsToFloat(absx);
        float scaled = a * 16777216.0f;  // 2^24
        // round half to even
        uint32_t m = uint32_t(scaled);
        float rem = scaled - float(m);
        if (rem > 0.5f || (rem == 0.5f && (m & 1u))) ++m;
        return uint16_t(sign | m);
    }
    uint32_t e = (absx >> 23) - 112;  // rebias 127 -> 15
    uint32_t mant = absx & 0x7fffffu;
    uint32_t h = (e << 10) | (mant >> 13);
    uint32_t rest = mant & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;
    return uint16_t(sign | h);
}

inline float halfBitsToFloat(uint16_t h) {
    uint32_t sign = uint32_t(h & 0x8000u) << 16;
    uint32_t e = (h >> 10) & 0x1fu;
    uint32_t m = h & 0x3ffu;
    if (e == 0) {
        float v = float(m) * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    if (e == 31) return bitsToFloat(sign | 0x7f800000u | (m << 13));
    return bitsToFloat(sign | ((e + 112) << 23) | (m << 13));
}

inline uint16_t floatToBFloat16Bits(float f) {
    uint32_t x = floatToBits(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return uint16_t((x >> 16) | 0x40u);  // quiet NaN
    uint32_t lsb = (x >> 16) & 1u;
    x += 0x7fffu + lsb;
    return uint16_t(x >> 16);
}
inline float bfloat16BitsToFloat(uint16_t b) { return bitsToFloat(uint32_t(b) << 16); }

struct Half {
    uint16_t bits = 0;
    Half() = default;
    Half(float f) : bits(floatToHalfBits(f)) {}
    static Half fromBits(uint16_t b) { Half h; h.bits = b; return h; }
    operator float() const { return halfBitsToFloat(bits); }
};

struct BFloat16 {
    uint16_t bits = 0;
    BFloat16() = default;
    BFloat16(float f) : bits(floatToBFloat16Bits(f)) {}
    static BFloat16 fromBits(uint16_t b) { BFloat16 h; h.bits = b; return h; }
    operator float() const { return bfloat16BitsToFloat(bits); }
};

}  // namespace kiln

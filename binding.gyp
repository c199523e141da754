{
  # node-gyp build of the same sources and flags as CMakeLists.txt (node-gyp-build's
  # from-source fallback always runs node-gyp). Keep the two in step.
  "variables": {
    "lk_common_flags": ["-O3", "-fno-math-errno", "-fvisibility=hidden", "-std=c++17", "-fPIC"]
  },
  "target_defaults": {
    "defines": ["NAPI_VERSION=9", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
    "cflags_cc": ["-fexceptions"]
  },
  "targets": [
    {
      "target_name": "lk_scalar",
      "type": "static_library",
      "sources": ["native/kernels/softmax_scalar.cc", "native/kernels/rng_scalar.cc", "native/kernels/xent_scalar.cc", "native/kernels/topk_scalar.cc", "native/kernels/sampling_scalar.cc"],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64", "-mtune=generic", "-fno-tree-vectorize", "-fno-tree-slp-vectorize", "-ffp-contract=off"]
    },
    {
      "target_name": "lk_avx2",
      "type": "static_library",
      "sources": ["native/kernels/softmax_avx2.cc", "native/kernels/rng_avx2.cc", "native/kernels/xent_avx2.cc", "native/kernels/topk_avx2.cc", "native/kernels/sampling_avx2.cc"],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64-v3", "-mtune=generic"]
    },
    {
      "target_name": "lk_avx512",
      "type": "static_library",
      "sources": ["native/kernels/softmax_avx512.cc", "native/kernels/rng_avx512.cc", "native/kernels/xent_avx512.cc", "native/kernels/topk_avx512.cc", "native/kernels/sampling_avx512.cc"],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64-v4", "-mtune=generic"]
    },
    {
      "target_name": "logitkit",
      "dependencies": ["lk_scalar", "lk_avx2", "lk_avx512"],
      "sources": [
        "native/addon.cc",
        "native/dispatch.cc",
        "native/pool.cc",
        "native/bindings/softmax.cc",
        "native/bindings/rng.cc",
        "native/bindings/xent.cc",
        "native/bindings/topk.cc",
        "native/bindings/sampling.cc"
      ],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64", "-mtune=generic"],
      "libraries": ["-lpthread"]
    }
  ]
}

{
  # node-gyp build of the same sources and flags as CMakeLists.txt (node-gyp-build's
  # from-source fallback always runs node-gyp). The per-family sources come from
  # native/families.def through native/sources.cjs, as CMakeLists.txt reads them.
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
      "sources": ["<!@(node native/sources.cjs tier scalar)"],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64", "-mtune=generic", "-fno-tree-vectorize", "-fno-tree-slp-vectorize", "-ffp-contract=off"]
    },
    {
      "target_name": "lk_avx2",
      "type": "static_library",
      "sources": ["<!@(node native/sources.cjs tier avx2)"],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64-v3", "-mtune=generic"]
    },
    {
      # -Wno-maybe-uninitialized: GCC 12's own avx512fintrin.h trips it under node-gyp's -Wall
      # (a known false positive, over a thousand lines of install log).
      "target_name": "lk_avx512",
      "type": "static_library",
      "sources": ["<!@(node native/sources.cjs tier avx512)"],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64-v4", "-mtune=generic", "-Wno-maybe-uninitialized"]
    },
    {
      "target_name": "logitkit",
      "dependencies": ["lk_scalar", "lk_avx2", "lk_avx512"],
      "sources": [
        "native/addon.cc",
        "native/dispatch.cc",
        "native/pool.cc",
        "<!@(node native/sources.cjs bindings)"
      ],
      "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64", "-mtune=generic"],
      "libraries": ["-lpthread"]
    }
  ]
}

{
  # node-gyp build of the same sources and flags as CMakeLists.txt (node-gyp-build's
  # from-source fallback always runs node-gyp). The per-family sources come from
  # native/families.def through native/sources.cjs, as CMakeLists.txt reads them. The tiers
  # depend on the target architecture (LK_TIERS in native/kernels/family.h): x64 builds
  # scalar/avx2/avx512, arm64 scalar/neon, anything else scalar alone. The MSVC (Windows) and
  # Xcode (macOS) settings follow node-gyp's conventions but are not built by this project's CI.
  "variables": {
    "lk_common_flags": ["-O3", "-fno-math-errno", "-fvisibility=hidden", "-std=c++17", "-fPIC"]
  },
  "target_defaults": {
    "defines": ["NAPI_VERSION=9", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
    "cflags_cc": ["-fexceptions"],
    "msvs_settings": {
      "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/O2"] }
    },
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "11.0",
      "GCC_OPTIMIZATION_LEVEL": "3",
      "OTHER_CPLUSPLUSFLAGS": ["-fno-math-errno", "-fvisibility=hidden"]
    }
  },
  "targets": [
    {
      "target_name": "lk_scalar",
      "type": "static_library",
      "sources": ["<!@(node native/sources.cjs tier scalar)"],
      "conditions": [
        ["target_arch=='x64'", { "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64", "-mtune=generic", "-fno-tree-vectorize", "-fno-tree-slp-vectorize", "-ffp-contract=off"] }],
        ["target_arch=='arm64'", { "cflags_cc": ["<@(lk_common_flags)", "-march=armv8-a", "-fno-tree-vectorize", "-fno-tree-slp-vectorize", "-ffp-contract=off"] }],
        ["target_arch!='x64' and target_arch!='arm64'", { "cflags_cc": ["<@(lk_common_flags)", "-fno-tree-vectorize", "-ffp-contract=off"] }]
      ],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off", "-fno-vectorize", "-fno-slp-vectorize"] }
    },
    {
      "target_name": "logitkit",
      "sources": [
        "native/addon.cc",
        "native/dispatch.cc",
        "native/pool.cc",
        "<!@(node native/sources.cjs bindings)"
      ],
      "dependencies": ["lk_scalar"],
      "conditions": [
        ["target_arch=='x64'", {
          "dependencies": ["lk_avx2", "lk_avx512"],
          "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64", "-mtune=generic"]
        }],
        ["target_arch=='arm64'", {
          "dependencies": ["lk_neon"],
          "cflags_cc": ["<@(lk_common_flags)", "-march=armv8-a"]
        }],
        ["target_arch!='x64' and target_arch!='arm64'", { "cflags_cc": ["<@(lk_common_flags)"] }],
        ["OS!='win'", { "libraries": ["-lpthread"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "lk_avx2",
          "type": "static_library",
          "sources": ["<!@(node native/sources.cjs tier avx2)"],
          "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64-v3", "-mtune=generic"],
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX2"] } },
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-march=x86-64-v3"] }
        },
        {
          # -Wno-maybe-uninitialized: GCC 12's own avx512fintrin.h trips it under node-gyp's -Wall
          # (a known false positive, over a thousand lines of install log).
          "target_name": "lk_avx512",
          "type": "static_library",
          "sources": ["<!@(node native/sources.cjs tier avx512)"],
          "cflags_cc": ["<@(lk_common_flags)", "-march=x86-64-v4", "-mtune=generic", "-Wno-maybe-uninitialized"],
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX512"] } },
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-march=x86-64-v4"] }
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [
        {
          "target_name": "lk_neon",
          "type": "static_library",
          "sources": ["<!@(node native/sources.cjs tier neon)"],
          "cflags_cc": ["<@(lk_common_flags)", "-march=armv8-a"]
        }
      ]
    }]
  ]
}

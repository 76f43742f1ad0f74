// Kiln's public C++ API in one include: build a network (by layers or from ONNX), build a plan,
// run it. See docs/api.md.
//
//   kiln::Builder builder;
//   auto network = builder.createNetwork();
//   kiln::OnnxParser parser(*network);
//   parser.parseFromFile("model.onnx");
//   auto plan = builder.buildSerializedNetwork(*network, kiln::BuilderConfig{});
//   kiln::Runtime runtime;
//   auto engine = runtime.deserializeEngine(plan->data(), plan->size());
//
// Plugins (custom layers, plugin/kiln_plugin.h) are loaded before parsing or deserializing:
//   kiln::plugins::PluginRegistry::global().loadLibrary("libmy_plugin.so");
#pragma once

#include "builder/build_config.h"
#include "builder/builder.h"
#include "builder/network.h"
#include "builder/onnx_parser.h"
#include "builder/wts.h"
#include "core/logger.h"
#include "plugin/plugin_registry.h"
#include "runtime/runtime.h"

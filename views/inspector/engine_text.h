// The inspector's pages for an engine (a .plan or a kiln-report), as HTML: the engine's
// properties (passport, profiles, memory, the run's latency) and one layer (precision, tactic
// and its candidates, origins, attributes, tensors with their place in the memory plan).
#pragma once

#include <QCoreApplication>
#include <QString>

#include "ir/graph.h"

namespace kiln::views {

class EngineModel;

class EngineText {
    Q_DECLARE_TR_FUNCTIONS(EngineText)
public:
    static QString model(const EngineModel& engine, const QString& fileName);
    static QString layer(const EngineModel& engine, const ir::Node& node);

private:
    static QString overview(const EngineModel& engine, const QString& fileName);
    static QString passport(const EngineModel& engine);
    static QString profiles(const EngineModel& engine);
    static QString run(const EngineModel& engine);
    static QString slowestLayers(const EngineModel& engine);
    static QString layerTypes(const EngineModel& engine);
    static QString layerSummary(const EngineModel& engine, const ir::Node& node);
    static QString candidates(const EngineModel& engine, const ir::Node& node);
    static QString tensors(const EngineModel& engine, const ir::Node& node, bool inputs);
    static QString memoryText(const EngineModel& engine, const ir::Value& value);
};

}  // namespace kiln::views

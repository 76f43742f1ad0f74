<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>EngineText</name>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="59"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="60"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="60"/>
        <source>Kiln report</source>
        <translation>Kiln 报告</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="60"/>
        <source>Kiln plan</source>
        <translation>Kiln 计划</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="62"/>
        <source>Generator</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="63"/>
        <source>Report created</source>
        <translation>报告生成时间</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="64"/>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="66"/>
        <source>Layers</source>
        <translation>层数</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="67"/>
        <source>Weights</source>
        <translation>权重</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="67"/>
        <source>%1 (not stored in reports)</source>
        <translation>%1（报告中不含权重数据）</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="69"/>
        <source>Activation arena</source>
        <translation>激活内存池</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="69"/>
        <source>%1 (without reuse %2: %3% saved)</source>
        <translation>%1（不复用时为 %2：节省 %3%）</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="72"/>
        <source>Planned tensors</source>
        <translation>已规划张量</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="72"/>
        <source>%1, aligned to %2 bytes</source>
        <translation>%1 个，按 %2 字节对齐</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="74"/>
        <source>Build time</source>
        <translation>构建用时</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="74"/>
        <source>%1 ms (tactics %2 ms)</source>
        <translation>%1 毫秒（策略选择 %2 毫秒）</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="75"/>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="81"/>
        <source>Kiln version</source>
        <translation>Kiln 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="82"/>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="83"/>
        <location filename="../views/inspector/engine_text.cpp" line="122"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="85"/>
        <source>Compute capability</source>
        <translation>计算能力</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="86"/>
        <source>Multiprocessors</source>
        <translation>流多处理器数</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="88"/>
        <source>CPU cores</source>
        <translation>CPU 核心数</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="90"/>
        <source>CUDA</source>
        <translation>CUDA 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="91"/>
        <source>cuDNN</source>
        <translation>cuDNN 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="92"/>
        <source>cuBLAS</source>
        <translation>cuBLAS 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="93"/>
        <source>Build options</source>
        <translation>构建选项</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="94"/>
        <source>Source model</source>
        <translation>源模型</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="95"/>
        <source>Source SHA-256</source>
        <translation>源模型 SHA-256</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="95"/>
        <source>none (built with the C++ API)</source>
        <translation>无（通过 C++ API 构建）</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="97"/>
        <source>Built</source>
        <translation>构建时间</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="98"/>
        <source>Passport</source>
        <translation>护照</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="107"/>
        <source>%1 · profile %2</source>
        <translation>%1 · 配置 %2</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="108"/>
        <source>min %1 · opt %2 · max %3</source>
        <translation>最小 %1 · 最优 %2 · 最大 %3</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="109"/>
        <source>Optimization profiles</source>
        <translation>优化配置</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="115"/>
        <source>min %1 · median %2 · mean %3 · max %4 ms</source>
        <translation>最小 %1 · 中位数 %2 · 平均 %3 · 最大 %4 毫秒</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="123"/>
        <source>Iterations</source>
        <translation>迭代次数</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="124"/>
        <source>Throughput</source>
        <translation>吞吐量</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="124"/>
        <source>%1 inferences/s</source>
        <translation>每秒 %1 次推理</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="126"/>
        <source>Latency</source>
        <translation>延迟</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="127"/>
        <source>median %1 ms · p99 %2 ms</source>
        <translation>中位数 %1 毫秒 · p99 %2 毫秒</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="130"/>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="132"/>
        <source>Copies</source>
        <translation>数据拷贝</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="132"/>
        <source>H2D median %1 ms · D2H median %2 ms</source>
        <translation>主机到设备中位数 %1 毫秒 · 设备到主机中位数 %2 毫秒</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="135"/>
        <source>Input shapes</source>
        <translation>输入形状</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="136"/>
        <source>Wall time</source>
        <translation>总耗时</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="136"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="137"/>
        <source>Inference run</source>
        <translation>推理运行</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="153"/>
        <source>%1 ms · %2%</source>
        <translation>%1 毫秒 · %2%</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="156"/>
        <source>Slowest layers</source>
        <translation>最慢的层</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="170"/>
        <source>Precisions</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="172"/>
        <source>%1 · %2% of the time</source>
        <translation>%1 · 占用时 %2%</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="173"/>
        <source>Layer types</source>
        <translation>层类型</translation>
    </message>
    <message numerus="yes">
        <location filename="../views/inspector/engine_text.cpp" line="181"/>
        <source>Fused from %n ONNX nodes</source>
        <translation>
            <numerusform>由 %n 个 ONNX 节点融合而成</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="181"/>
        <source>Origin</source>
        <translation>来源节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="190"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="191"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="192"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="197"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="198"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="200"/>
        <location filename="../views/inspector/engine_text.cpp" line="213"/>
        <source>Layer</source>
        <translation>层</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="200"/>
        <source>%1 of %2</source>
        <translation>第 %1 层，共 %2 层</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="202"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="203"/>
        <source>Tactic</source>
        <translation>策略</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="203"/>
        <source>%1 (%2 ms when built)</source>
        <translation>%1（构建时 %2 毫秒）</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="208"/>
        <source>Run time</source>
        <translation>运行用时</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="208"/>
        <source>%1 ms · %2% of the layer time</source>
        <translation>%1 毫秒 · 占各层总用时的 %2%</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="211"/>
        <source>median %1 ms · total %2 ms</source>
        <translation>中位数 %1 毫秒 · 合计 %2 毫秒</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="120"/>
        <location filename="../views/inspector/engine_text.cpp" line="221"/>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="221"/>
        <source>not timed</source>
        <translation>未计时</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="222"/>
        <source>%1 · chosen</source>
        <translation>%1 · 已选用</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="223"/>
        <source>rejected: %1</source>
        <translation>已弃用：%1</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="226"/>
        <source>Tactic candidates</source>
        <translation>候选策略</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="236"/>
        <source>[weight]</source>
        <translation>[权重]</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="245"/>
        <source>graph input: memory of the caller</source>
        <translation>计算图输入：使用调用方的内存</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="245"/>
        <source>not in the memory plan</source>
        <translation>不在内存规划中</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="248"/>
        <source>bound by the caller</source>
        <translation>由调用方绑定</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="249"/>
        <source>layers %1 to the end (graph output)</source>
        <translation>第 %1 层至最后（计算图输出）</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="250"/>
        <source>layers %1–%2</source>
        <translation>第 %1–%2 层</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="252"/>
        <source>view of %1 at +%2 bytes · %3</source>
        <translation>%1 偏移 +%2 字节处的视图 · %3</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="253"/>
        <source>sized at run time, outside the arena · %1</source>
        <translation>运行时确定大小，不在内存池中 · %1</translation>
    </message>
    <message>
        <location filename="../views/inspector/engine_text.cpp" line="254"/>
        <source>arena offset %1 · %2 · %3</source>
        <translation>内存池偏移 %1 · %2 · %3</translation>
    </message>
</context>
<context>
    <name>NodeCategory</name>
    <message>
        <location filename="../views/graph/node_category.cpp" line="75"/>
        <source>Convolution</source>
        <translation>卷积</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="76"/>
        <source>Activation</source>
        <translation>激活</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="77"/>
        <source>Normalization</source>
        <translation>归一化</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="78"/>
        <source>Pooling</source>
        <translation>池化</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="79"/>
        <source>Shape / tensor</source>
        <translation>形状/张量</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="80"/>
        <source>Math</source>
        <translation>数学运算</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="81"/>
        <source>Attention</source>
        <translation>注意力</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="82"/>
        <source>Quantization</source>
        <translation>量化</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="83"/>
        <source>Kiln fused layer</source>
        <translation>Kiln 融合层</translation>
    </message>
    <message>
        <location filename="../views/graph/node_category.cpp" line="86"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
    <message numerus="yes">
        <location filename="../views/graph/graph_items.cpp" line="94"/>
        <source>%n nodes</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../views/graph/graph_items.cpp" line="103"/>
        <source>%1 ms · %2%</source>
        <translation>%1 毫秒 · %2%</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../app/studio/image_export.cpp" line="35"/>
        <location filename="../app/studio/image_export.cpp" line="56"/>
        <source>cannot write &apos;%1&apos;</source>
        <translation>无法写入“%1”</translation>
    </message>
    <message>
        <location filename="../app/studio/image_export.cpp" line="43"/>
        <source>unknown image format &apos;%1&apos; (use .png or .svg)</source>
        <translation>未知的图像格式“%1”（请使用 .png 或 .svg）</translation>
    </message>
    <message>
        <location filename="../app/studio/image_export.cpp" line="65"/>
        <source>cannot open &apos;%1&apos;: %2</source>
        <translation>无法打开“%1”：%2</translation>
    </message>
</context>
<context>
    <name>kiln::studio::FindBar</name>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="18"/>
        <source>Find:</source>
        <translation>查找：</translation>
    </message>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="19"/>
        <source>node name, op type or tensor name</source>
        <translation>节点名、算子类型或张量名</translation>
    </message>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="30"/>
        <source>Previous match (Shift+F3)</source>
        <translation>上一个匹配 (Shift+F3)</translation>
    </message>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="31"/>
        <source>Next match (F3)</source>
        <translation>下一个匹配 (F3)</translation>
    </message>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="33"/>
        <source>Close (Esc)</source>
        <translation>关闭 (Esc)</translation>
    </message>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="69"/>
        <source>no matches</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <location filename="../app/studio/find_bar.cpp" line="70"/>
        <source>%1 of %2</source>
        <translation>第 %1 个，共 %2 个</translation>
    </message>
</context>
<context>
    <name>kiln::studio::MainWindow</name>
    <message>
        <location filename="../app/studio/main_window.cpp" line="49"/>
        <source>Layout failed: %1</source>
        <translation>布局失败：%1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="57"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="79"/>
        <source>Outline</source>
        <translation>大纲</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="80"/>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="81"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="49"/>
        <location filename="../app/studio/main_window_open.cpp" line="52"/>
        <source>Opening %1 ...</source>
        <translation>正在打开 %1...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="30"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="31"/>
        <source>Stop opening the file (the open document stays)</source>
        <translation>停止打开该文件（当前文档保持不变）</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="60"/>
        <source>Cancelled opening %1</source>
        <translation>已取消打开 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="61"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="82"/>
        <source>Cannot open file</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="82"/>
        <source>Kiln could not open %1:

%2</source>
        <translation>Kiln 无法打开 %1：

%2</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="118"/>
        <source>Imported %1: %2 nodes in %3 ms; laying out ...</source>
        <translation>已导入 %1：%2 个节点，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="121"/>
        <source>Read plan %1: %2 layers in %3 ms; laying out ...</source>
        <translation>已读取计划 %1：%2 层，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="124"/>
        <source>Read report %1: %2 layers in %3 ms; laying out ...</source>
        <translation>已读取报告 %1：%2 层，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="127"/>
        <source>Laying out %1 ...</source>
        <translation>正在布局 %1...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="138"/>
        <source>%1 — %2 layers</source>
        <translation>%1 — %2 层</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="88"/>
        <source>Closed %1</source>
        <translation>已关闭 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="90"/>
        <location filename="../app/studio/main_window_open.cpp" line="136"/>
        <source>No model open</source>
        <translation>未打开模型</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="99"/>
        <source>Showing %1: layout %2 ms, %3 ms from open to graph on screen</source>
        <translation>正在显示 %1：布局 %2 毫秒，从打开到显示共 %3 毫秒</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="139"/>
        <source>%1 — %2 nodes</source>
        <translation>%1 — %2 个节点</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="140"/>
        <source>%1 — Kiln</source>
        <translation>%1 — Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="140"/>
        <source>Kiln</source>
        <translation>Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="31"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="32"/>
        <source>&amp;Open...</source>
        <translation>打开(&amp;O)...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="35"/>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="36"/>
        <source>Open &amp;Sample</source>
        <translation>打开示例(&amp;S)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="40"/>
        <source>&amp;Export Image...</source>
        <translation>导出图像(&amp;E)...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="41"/>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="42"/>
        <source>&amp;Close</source>
        <translation>关闭(&amp;C)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="45"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="49"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="50"/>
        <source>&amp;Find...</source>
        <translation>查找(&amp;F)...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="53"/>
        <source>Find &amp;Next</source>
        <translation>查找下一个(&amp;N)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="55"/>
        <source>Find &amp;Previous</source>
        <translation>查找上一个(&amp;P)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="58"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="59"/>
        <source>Zoom &amp;In</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="60"/>
        <source>Ctrl+=</source>
        <translation>Ctrl+=</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="61"/>
        <source>Zoom &amp;Out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="63"/>
        <source>&amp;Fit to Window</source>
        <translation>适应窗口(&amp;F)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="64"/>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="65"/>
        <source>&amp;Actual Size</source>
        <translation>实际大小(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="66"/>
        <source>Ctrl+1</source>
        <translation>Ctrl+1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="68"/>
        <source>Show &amp;Legend</source>
        <translation>显示图例(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="75"/>
        <source>Show &amp;Overview</source>
        <translation>显示全景图(&amp;O)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="83"/>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="85"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="88"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="98"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="99"/>
        <source>&amp;About Kiln</source>
        <translation>关于 Kiln(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="100"/>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="106"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="119"/>
        <source>Models, plans and reports (*.onnx *.plan *.engine *.json)</source>
        <translation>模型、计划和报告 (*.onnx *.plan *.engine *.json)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="119"/>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="120"/>
        <source>Kiln plans (*.plan *.engine)</source>
        <translation>Kiln 计划 (*.plan *.engine)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="120"/>
        <source>Kiln reports (*.json)</source>
        <translation>Kiln 报告 (*.json)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="120"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="121"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="130"/>
        <source>Export Image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="130"/>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="133"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="134"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="158"/>
        <source>Clear List</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="167"/>
        <location filename="../app/studio/main_window_actions.cpp" line="168"/>
        <source>The language changes the next time Kiln starts.</source>
        <translation>语言将在下次启动 Kiln 时生效。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="172"/>
        <source>About Kiln</source>
        <translation>关于 Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="173"/>
        <source>&lt;b&gt;Kiln %1&lt;/b&gt;&lt;p&gt;A model inspector and optimizer studio for ONNX models.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Kiln %1&lt;/b&gt;&lt;p&gt;面向 ONNX 模型的模型查看与优化工作室。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>kiln::studio::ModelDocument</name>
    <message>
        <location filename="../app/studio/model_document.cpp" line="52"/>
        <source>Reading %1 (%2)</source>
        <translation>正在读取 %1（%2）</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="62"/>
        <source>Checking the ONNX model and inferring shapes</source>
        <translation>正在检查 ONNX 模型并推断形状</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="69"/>
        <source>Checking the plan (checksums, bounds, references)</source>
        <translation>正在检查计划（校验和、边界、引用）</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="77"/>
        <source>Reading the report</source>
        <translation>正在读取报告</translation>
    </message>
</context>
<context>
    <name>kiln::views::HistogramPlot</name>
    <message>
        <location filename="../views/inspector/histogram_plot.cpp" line="11"/>
        <source>value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../views/inspector/histogram_plot.cpp" line="12"/>
        <source>count</source>
        <translation>数量</translation>
    </message>
</context>
<context>
    <name>kiln::views::InspectorWidget</name>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="45"/>
        <source>No model open.</source>
        <translation>未打开模型。</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="63"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="64"/>
        <source>Producer</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="65"/>
        <source>IR version</source>
        <translation>IR 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="69"/>
        <source>Opsets</source>
        <translation>算子集</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="70"/>
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="71"/>
        <source>Model version</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="72"/>
        <location filename="../views/inspector/inspector_widget.cpp" line="120"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="73"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="74"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="74"/>
        <source>%1 (%2 bytes in %3 tensors)</source>
        <translation>%1（%3 个张量，共 %2 字节）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="81"/>
        <source>Model properties</source>
        <translation>模型属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="82"/>
        <source>Metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="83"/>
        <source>Operators</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="97"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="98"/>
        <source>Op type</source>
        <translation>算子类型</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="99"/>
        <source>Domain</source>
        <translation>域</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="100"/>
        <source>Opset</source>
        <translation>算子集版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="101"/>
        <source>Fused from</source>
        <translation>融合自</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="111"/>
        <source>[weight]</source>
        <translation>[权重]</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="116"/>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="117"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="118"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="119"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="145"/>
        <source>min %1 · max %2 · mean %3 · std %4 · zeros %5% · %6 values</source>
        <translation>最小 %1 · 最大 %2 · 均值 %3 · 标准差 %4 · 零值 %5% · 共 %6 个值</translation>
    </message>
</context>
<context>
    <name>kiln::views::LegendWidget</name>
    <message>
        <location filename="../views/graph/graph_view.cpp" line="149"/>
        <source>Share of layer time</source>
        <translation>各层用时占比</translation>
    </message>
</context>
<context>
    <name>kiln::views::Minimap</name>
    <message>
        <location filename="../views/graph/minimap.cpp" line="21"/>
        <source>Overview: click or drag to move the view</source>
        <translation>全景图：单击或拖动以移动视图</translation>
    </message>
</context>
<context>
    <name>kiln::views::OutlineModel</name>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="47"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="49"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="51"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="118"/>
        <source>Name scopes</source>
        <translation>名称作用域</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="161"/>
        <source>%1 ms (%2%)</source>
        <translation>%1 毫秒（%2%）</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="162"/>
        <source>%1% of the layer time</source>
        <translation>占各层总用时的 %1%</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="216"/>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="217"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="217"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/studio/main.cpp" line="80"/>
        <source>Kiln studio: inspect ONNX models, Kiln plans and Kiln reports.</source>
        <translation>Kiln 工作室：查看 ONNX 模型、Kiln 计划和 Kiln 报告。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="84"/>
        <source>Render the graph of FILE to OUT (.png or .svg) and exit.</source>
        <translation>将 FILE 的计算图渲染到 OUT（.png 或 .svg）后退出。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="87"/>
        <source>Save a picture of the window once the graph is shown, then exit.</source>
        <translation>计算图显示后保存窗口截图，然后退出。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="89"/>
        <source>Window size, e.g. 1400x900.</source>
        <translation>窗口大小，例如 1400x900。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="92"/>
        <source>Select the node or layer NAME once the graph is shown.</source>
        <translation>计算图显示后选中名为 NAME 的节点或层。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="96"/>
        <source>The ONNX model (.onnx), Kiln plan (.plan) or Kiln report (.json) to open.</source>
        <translation>要打开的 ONNX 模型（.onnx）、Kiln 计划（.plan）或 Kiln 报告（.json）。</translation>
    </message>
</context>
</TS>

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
    <message>
        <location filename="../../work/main/views/graph/node_category.cpp" line="100"/>
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../work/main/views/graph/node_category.cpp" line="101"/>
        <source>Not implemented</source>
        <translation>未实现</translation>
    </message>
</context>
<context>
    <name>NodeItem</name>
    <message numerus="yes">
        <location filename="../views/graph/graph_items.cpp" line="152"/>
        <source>%n nodes</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../views/graph/graph_items.cpp" line="161"/>
        <source>%1 ms · %2%</source>
        <translation>%1 毫秒 · %2%</translation>
    </message>
</context>
<context>
    <name>PluginText</name>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="108"/>
        <source>built into the program (no library)</source>
        <translation>内置于程序中（无库文件）</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="132"/>
        <source>×%1 · %2</source>
        <translation>×%1 · %2</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="133"/>
        <source>×%1 · not implemented</source>
        <translation>×%1 · 未实现</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="134"/>
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="141"/>
        <source>Not implemented</source>
        <translation>未实现</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="143"/>
        <source>Neither Kiln nor a loaded plugin implements %1. The studio shows the node, but Kiln cannot build or run the model.</source>
        <translation>Kiln 和已加载的插件都没有实现 %1。工作室会显示该节点，但 Kiln 无法构建或运行此模型。</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="145"/>
        <source>Load a plugin library that provides it: Edit ▸ Preferences ▸ Plugins.</source>
        <translation>请加载提供它的插件库：编辑 ▸ 首选项 ▸ 插件。</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="150"/>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="167"/>
        <source>Plugin</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="151"/>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="169"/>
        <source>Library</source>
        <translation>库</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="153"/>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="170"/>
        <source>Library hash</source>
        <translation>库哈希</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="154"/>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="178"/>
        <source>Attributes it reads</source>
        <translation>读取的属性</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="154"/>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="178"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="155"/>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="180"/>
        <source>Plugin layer</source>
        <translation>插件层</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="174"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="174"/>
        <source>%1 bytes of serialized parameters</source>
        <translation>序列化参数 %1 字节</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="175"/>
        <source>In this process</source>
        <translation>本进程中</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="194"/>
        <source>layers: %1</source>
        <translation>层：%1</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="197"/>
        <source>Plugins this engine needs</source>
        <translation>此引擎需要的插件</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="203"/>
        <source>loaded (%1)</source>
        <translation>已加载（%1）</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="205"/>
        <source>loaded from another build of the library (%1): runs, with a warning</source>
        <translation>已从该库的另一次构建加载（%1）：可以运行，但会有警告</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="207"/>
        <source>other version loaded: %1 (%2); the engine cannot run</source>
        <translation>已加载其他版本：%1（%2）；引擎无法运行</translation>
    </message>
    <message>
        <location filename="../../work/main/views/inspector/plugin_text.cpp" line="212"/>
        <source>missing: load its library to run the engine</source>
        <translation>缺失：加载其库后才能运行引擎</translation>
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
    <name>ScopeItem</name>
    <message numerus="yes">
        <location filename="../views/graph/scope_item.cpp" line="28"/>
        <source>%n nodes</source>
        <translation>
            <numerusform>%n 个节点</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../views/graph/scope_item.cpp" line="30"/>
        <source>%1 FLOPs</source>
        <translation>%1 FLOPs</translation>
    </message>
    <message>
        <location filename="../views/graph/scope_item.cpp" line="35"/>
        <source>W %1 parameters (%2)</source>
        <translation>W %1 个参数（%2）</translation>
    </message>
    <message numerus="yes">
        <location filename="../views/graph/scope_item.cpp" line="42"/>
        <source>%1 (collapsed, %n nodes): double-click or click [+] to expand</source>
        <translation>
            <numerusform>%1（已折叠，%n 个节点）：双击或单击 [+] 展开</numerusform>
        </translation>
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
    <name>kiln::studio::ImportRunner</name>
    <message>
        <location filename="../app/runners/import_runner.cpp" line="84"/>
        <source>Drawing the graph (%1 nodes)</source>
        <translation>正在绘制计算图（%1 个节点）</translation>
    </message>
    <message>
        <location filename="../app/runners/import_runner.cpp" line="88"/>
        <source>Laying out the graph</source>
        <translation>正在布局计算图</translation>
    </message>
</context>
<context>
    <name>kiln::studio::MainWindow</name>
    <message>
        <location filename="../app/studio/main_window.cpp" line="46"/>
        <source>Layout failed: %1</source>
        <translation>布局失败：%1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="55"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="95"/>
        <source>Outline</source>
        <translation>大纲</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="96"/>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="99"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="78"/>
        <location filename="../app/studio/main_window_open.cpp" line="82"/>
        <source>Opening %1 ...</source>
        <translation>正在打开 %1...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="33"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="34"/>
        <source>Stop opening the file (the open document stays)</source>
        <translation>停止打开该文件（当前文档保持不变）</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="92"/>
        <source>Cancelled opening %1</source>
        <translation>已取消打开 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="93"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="124"/>
        <source>Cannot open file</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="124"/>
        <source>Kiln could not open %1:

%2</source>
        <translation>Kiln 无法打开 %1：

%2</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="163"/>
        <source>Imported %1: %2 nodes in %3 ms; laying out ...</source>
        <translation>已导入 %1：%2 个节点，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="166"/>
        <source>Read plan %1: %2 layers in %3 ms; laying out ...</source>
        <translation>已读取计划 %1：%2 层，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="169"/>
        <source>Read report %1: %2 layers in %3 ms; laying out ...</source>
        <translation>已读取报告 %1：%2 层，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="172"/>
        <source>Laying out %1 ...</source>
        <translation>正在布局 %1...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="184"/>
        <source>Running the ONNX checker on %1 in the background ...</source>
        <translation>正在后台对 %1 运行 ONNX 检查器……</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="193"/>
        <source>The ONNX checker found no problems in %1 (%2 ms)</source>
        <translation>ONNX 检查器未在 %1 中发现问题（%2 毫秒）</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="196"/>
        <source>The ONNX checker found problems in %1: %2</source>
        <translation>ONNX 检查器在 %1 中发现问题：%2</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="197"/>
        <source>The ONNX checker found problems in %1 (see the log)</source>
        <translation>ONNX 检查器在 %1 中发现问题（见日志）</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="203"/>
        <source>%1 — %2 layers</source>
        <translation>%1 — %2 层</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="206"/>
        <source>%1 — %2 nodes in %3 boxes</source>
        <translation>%1 — %2 个节点，画作 %3 个方框</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="86"/>
        <source>Closed %1</source>
        <translation>已关闭 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="88"/>
        <location filename="../app/studio/main_window_open.cpp" line="201"/>
        <source>No model open</source>
        <translation>未打开模型</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="98"/>
        <source>Showing %1: layout %2 ms, %3 ms from open to graph on screen</source>
        <translation>正在显示 %1：布局 %2 毫秒，从打开到显示共 %3 毫秒</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_open.cpp" line="207"/>
        <source>%1 — %2 nodes</source>
        <translation>%1 — %2 个节点</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="141"/>
        <source>%1 — Kiln</source>
        <translation>%1 — Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="141"/>
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
        <location filename="../app/studio/main_window_actions.cpp" line="70"/>
        <source>Show &amp;Legend</source>
        <translation>显示图例(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="77"/>
        <source>Show &amp;Overview</source>
        <translation>显示全景图(&amp;O)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="85"/>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="87"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="90"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="32"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="101"/>
        <source>&amp;About Kiln</source>
        <translation>关于 Kiln(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="102"/>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="108"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="121"/>
        <source>Models, plans and reports (*.onnx *.plan *.engine *.json)</source>
        <translation>模型、计划和报告 (*.onnx *.plan *.engine *.json)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="121"/>
        <source>ONNX models (*.onnx)</source>
        <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="122"/>
        <source>Kiln plans (*.plan *.engine)</source>
        <translation>Kiln 计划 (*.plan *.engine)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="122"/>
        <source>Kiln reports (*.json)</source>
        <translation>Kiln 报告 (*.json)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="122"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="123"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="132"/>
        <source>Export Image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="132"/>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="135"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="136"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="160"/>
        <source>Clear List</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="169"/>
        <location filename="../app/studio/main_window_actions.cpp" line="170"/>
        <source>The language changes the next time Kiln starts.</source>
        <translation>语言将在下次启动 Kiln 时生效。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="174"/>
        <source>About Kiln</source>
        <translation>关于 Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="175"/>
        <source>&lt;b&gt;Kiln %1&lt;/b&gt;&lt;p&gt;A model inspector and optimizer studio for ONNX models.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Kiln %1&lt;/b&gt;&lt;p&gt;面向 ONNX 模型的模型查看与优化工作室。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="18"/>
        <source>&amp;Collapse All Scopes</source>
        <translation>全部折叠作用域(&amp;C)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="20"/>
        <source>Draw each repeated block (such as every /encoder/layer.N) as one box</source>
        <translation>将每个重复块（例如每个 /encoder/layer.N）画成一个方框</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="21"/>
        <source>E&amp;xpand All</source>
        <translation>全部展开(&amp;X)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="23"/>
        <source>Draw every node of every collapsed name scope again</source>
        <translation>重新画出所有已折叠名称作用域中的每个节点</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="26"/>
        <source>Laying out ...</source>
        <translation>正在布局……</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="32"/>
        <source>Laid out again in %1 ms: %2 boxes on the canvas</source>
        <translation>已重新布局，用时 %1 毫秒：画布上有 %2 个方框</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="80"/>
        <source>Collapse on Canvas</source>
        <translation>在画布上折叠</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_scopes.cpp" line="81"/>
        <source>Expand</source>
        <translation>展开</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="27"/>
        <source>&amp;Teaching Mode</source>
        <translation>教学模式(&amp;T)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="29"/>
        <source>Ctrl+Shift+T</source>
        <translation>Ctrl+Shift+T</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="30"/>
        <source>Step through the optimizer pass by pass, with the rule, the formula and the reason for every rewrite</source>
        <translation>逐遍查看优化器的工作，每次改写都附有规则、公式和原因</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="33"/>
        <source>Take the &amp;Tour</source>
        <translation>功能导览(&amp;T)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="86"/>
        <source>Welcome to Kiln</source>
        <translation>欢迎使用 Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="87"/>
        <source>Kiln opens ONNX models, builds them into engines and shows what the optimizer did. This tour points at the main panels; press Next, or Skip tour at any time (Help ▸ Take the Tour shows it again).</source>
        <translation>Kiln 打开 ONNX 模型，把它们构建成引擎，并展示优化器做了什么。本导览依次介绍主要面板；按“下一步”继续，或随时“跳过导览”（帮助 ▸ 功能导览 可再次查看）。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="89"/>
        <source>Open a model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="90"/>
        <source>Open an ONNX model (.onnx), a Kiln plan (.plan) or a report (.json), or drop a file on the window. File ▸ Open Sample has three small models to start with.</source>
        <translation>打开 ONNX 模型（.onnx）、Kiln 计划（.plan）或报告（.json），也可以把文件拖到窗口上。文件 ▸ 打开示例 中有三个入门用的小模型。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="92"/>
        <source>The graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="93"/>
        <source>Every box is an operator, coloured by its category (the legend is in the corner). Edges carry the tensor&apos;s shape and type. Drag to pan, wheel or Ctrl +/− to zoom, click a box to inspect it.</source>
        <translation>每个方框是一个算子，按类别着色（图例在角落）。边上标有张量的形状和类型。拖动可平移，滚轮或 Ctrl +/− 可缩放，点击方框可查看详情。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="95"/>
        <source>Inputs, outputs and every node grouped by op type. Click one to find it on the canvas.</source>
        <translation>输入、输出以及按算子类型分组的所有节点。点击其中一项即可在画布上找到它。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="97"/>
        <source>The selected node: attributes, inputs and outputs, weight statistics. With nothing selected: the model or the engine — its passport, memory and latency.</source>
        <translation>选中的节点：属性、输入输出、权重统计。未选中时显示模型或引擎——它的护照信息、内存和延迟。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="99"/>
        <source>What was opened and how long it took; errors appear here in red.</source>
        <translation>打开了什么、用时多久；错误以红色显示在这里。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="100"/>
        <source>Teaching Mode</source>
        <translation>教学模式</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_teach.cpp" line="101"/>
        <source>View ▸ Teaching Mode steps through the optimizer pass by pass: the graph before and after each pass, a card for every fusion with its formula and why it is faster, why a node was not fused, a playground to change a model, and the memory planner&apos;s lesson.</source>
        <translation>视图 ▸ 教学模式 逐遍展示优化器的工作：每一遍前后的计算图、每次融合的说明卡片（含公式及为何更快）、节点为何没有融合、可修改模型的演练场，以及内存规划器的课程。</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="49"/>
        <source>&amp;Preferences...</source>
        <translation>首选项(&amp;P)...</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="66"/>
        <source>Plugin Folder</source>
        <translation>插件文件夹</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="74"/>
        <source>Plugin Folder...</source>
        <translation>插件文件夹...</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="76"/>
        <source>Choose the folder of plugin libraries; Kiln loads it now and at every start</source>
        <translation>选择插件库所在的文件夹；Kiln 会立即加载它，并在每次启动时加载</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="87"/>
        <source>Loading plugins before opening %1 ...</source>
        <translation>正在加载插件，随后打开 %1 ...</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="93"/>
        <source>Loading plugins from %1 ...</source>
        <translation>正在从 %1 加载插件 ...</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="96"/>
        <source>Loaded plugin %1</source>
        <translation>已加载插件 %1</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="97"/>
        <source>Plugin not loaded: %1</source>
        <translation>插件未加载：%1</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="98"/>
        <source>No new plugin libraries in %1</source>
        <translation>%1 中没有新的插件库</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="99"/>
        <source>Some plugins could not be loaded (see the log)</source>
        <translation>部分插件无法加载（见日志）</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="120"/>
        <source>%1 uses ops that neither Kiln nor a loaded plugin implements: %2.

The graph shows their nodes with a dashed red outline. Kiln cannot build or run the model until a plugin library provides them: choose the folder of plugin libraries to load them.</source>
        <translation>%1 使用了 Kiln 和已加载的插件都没有实现的算子：%2。

计算图中这些节点以红色虚线轮廓显示。在插件库提供这些算子之前，Kiln 无法构建或运行此模型：请选择插件库所在的文件夹来加载它们。</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main_window_plugins.cpp" line="125"/>
        <source>Ops without an implementation</source>
        <translation>没有实现的算子</translation>
    </message>
</context>
<context>
    <name>kiln::studio::ModelDocument</name>
    <message>
        <location filename="../app/studio/model_document.cpp" line="53"/>
        <source>Reading %1 (%2)</source>
        <translation>正在读取 %1（%2）</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="79"/>
        <source>Importing the ONNX model and inferring shapes</source>
        <translation>正在导入 ONNX 模型并推断形状</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="80"/>
        <source>Checking the ONNX model and inferring shapes</source>
        <translation>正在检查 ONNX 模型并推断形状</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="87"/>
        <source>Checking the plan (checksums, bounds, references)</source>
        <translation>正在检查计划（校验和、边界、引用）</translation>
    </message>
    <message>
        <location filename="../app/studio/model_document.cpp" line="95"/>
        <source>Reading the report</source>
        <translation>正在读取报告</translation>
    </message>
</context>
<context>
    <name>kiln::views::GraphScene</name>
    <message>
        <location filename="../views/graph/graph_scene_scopes.cpp" line="174"/>
        <source>Expand “%1”</source>
        <translation>展开“%1”</translation>
    </message>
    <message>
        <location filename="../views/graph/graph_scene_scopes.cpp" line="187"/>
        <source>Collapse “%1”</source>
        <translation>折叠“%1”</translation>
    </message>
    <message>
        <location filename="../views/graph/graph_scene_scopes.cpp" line="190"/>
        <source>Collapse All Scopes</source>
        <translation>全部折叠作用域</translation>
    </message>
    <message>
        <location filename="../views/graph/graph_scene_scopes.cpp" line="191"/>
        <source>Expand All</source>
        <translation>全部展开</translation>
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
        <location filename="../views/inspector/inspector_widget.cpp" line="47"/>
        <source>No model open.</source>
        <translation>未打开模型。</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="65"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="66"/>
        <source>Producer</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="67"/>
        <source>IR version</source>
        <translation>IR 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="71"/>
        <source>Opsets</source>
        <translation>算子集</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="72"/>
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="73"/>
        <source>Model version</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="74"/>
        <location filename="../views/inspector/inspector_widget.cpp" line="122"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="75"/>
        <location filename="../views/inspector/inspector_widget.cpp" line="130"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="76"/>
        <location filename="../views/inspector/inspector_widget.cpp" line="134"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="76"/>
        <source>%1 (%2 bytes in %3 tensors)</source>
        <translation>%1（%3 个张量，共 %2 字节）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="83"/>
        <source>Model properties</source>
        <translation>模型属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="84"/>
        <source>Metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="85"/>
        <source>Operators</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="99"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="100"/>
        <source>Op type</source>
        <translation>算子类型</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="101"/>
        <source>Domain</source>
        <translation>域</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="102"/>
        <source>Opset</source>
        <translation>算子集版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="103"/>
        <source>Fused from</source>
        <translation>融合自</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="113"/>
        <source>[weight]</source>
        <translation>[权重]</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="118"/>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="119"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="120"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="121"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="129"/>
        <source>Name scope</source>
        <translation>名称作用域</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="130"/>
        <source>%1 (%2 of them Constant or Identity nodes, drawn as weights)</source>
        <translation>%1（其中 %2 个 Constant 或 Identity 节点，画作权重）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="133"/>
        <source>Dominant op</source>
        <translation>主要算子</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="134"/>
        <source>%1 (%2 in %3 tensors)</source>
        <translation>%1（%2，共 %3 个张量）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="138"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="139"/>
        <source>+ nodes of unknown shape: %1</source>
        <translation>+ 形状未知的节点：%1 个</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="140"/>
        <location filename="../views/inspector/inspector_widget.cpp" line="142"/>
        <source>FLOPs</source>
        <translation>浮点运算数 (FLOPs)</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="142"/>
        <source>unknown (shapes not inferred)</source>
        <translation>未知（未能推断形状）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="146"/>
        <source>Collapsed name scope</source>
        <translation>已折叠的名称作用域</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="146"/>
        <source>Nodes by type</source>
        <translation>按类型统计的节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="147"/>
        <source>FLOPs count a multiply-add as 2, with symbolic dimensions (batch, sequence) as 1. Double-click the box to expand it.</source>
        <translation>FLOPs 将一次乘加计为 2，符号维度（batch、sequence）按 1 计。双击方框可将其展开。</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="175"/>
        <source>min %1 · max %2 · mean %3 · std %4 · zeros %5% · %6 values</source>
        <translation>最小 %1 · 最大 %2 · 均值 %3 · 标准差 %4 · 零值 %5% · 共 %6 个值</translation>
    </message>
</context>
<context>
    <name>kiln::views::LegendWidget</name>
    <message>
        <location filename="../views/graph/graph_view.cpp" line="205"/>
        <source>Share of layer time</source>
        <translation>各层用时占比</translation>
    </message>
</context>
<context>
    <name>kiln::views::Minimap</name>
    <message>
        <location filename="../views/graph/minimap.cpp" line="23"/>
        <source>Overview: click or drag to move the view</source>
        <translation>全景图：单击或拖动以移动视图</translation>
    </message>
</context>
<context>
    <name>kiln::views::OutlineModel</name>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="48"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="50"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="52"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="72"/>
        <source>Name scopes</source>
        <translation>名称作用域</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="111"/>
        <source>%1 ms (%2%)</source>
        <translation>%1 毫秒（%2%）</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="112"/>
        <source>%1% of the layer time</source>
        <translation>占各层总用时的 %1%</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="168"/>
        <source>Time</source>
        <translation>用时</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="169"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="169"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/studio/main.cpp" line="97"/>
        <source>Kiln studio: inspect ONNX models, Kiln plans and Kiln reports.</source>
        <translation>Kiln 工作室：查看 ONNX 模型、Kiln 计划和 Kiln 报告。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="101"/>
        <source>Render the graph of FILE to OUT (.png or .svg) and exit.</source>
        <translation>将 FILE 的计算图渲染到 OUT（.png 或 .svg）后退出。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="104"/>
        <source>Save a picture of the window once the graph is shown, then exit.</source>
        <translation>计算图显示后保存窗口截图，然后退出。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="106"/>
        <source>Window size, e.g. 1400x900.</source>
        <translation>窗口大小，例如 1400x900。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="109"/>
        <source>Select the node or layer NAME once the graph is shown.</source>
        <translation>计算图显示后选中名为 NAME 的节点或层。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="112"/>
        <source>Collapse the repeated blocks (View &gt; Collapse All Scopes) once the graph is shown.</source>
        <translation>显示计算图后折叠重复块（视图 &gt; 全部折叠作用域）。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="115"/>
        <source>The ONNX model (.onnx), Kiln plan (.plan) or Kiln report (.json) to open.</source>
        <translation>要打开的 ONNX 模型（.onnx）、Kiln 计划（.plan）或 Kiln 报告（.json）。</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/main.cpp" line="116"/>
        <source>Load the plugin library LIB, or every library in the folder DIR, before opening FILE (repeatable; the plugin folder of Edit &gt; Preferences is loaded too).</source>
        <translation>在打开 FILE 之前加载插件库 LIB，或文件夹 DIR 中的所有库（可重复；“编辑 &gt; 首选项”中的插件文件夹也会加载）。</translation>
    </message>
</context>
<context>
    <name>kiln::studio::PreferencesDialog</name>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="29"/>
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="30"/>
        <source>Plugins</source>
        <translation>插件</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="44"/>
        <source>Plugins are custom layers from shared libraries for ONNX ops that Kiln does not implement. Every library (*.so) in the plugin folder is loaded when Kiln starts and when the folder changes; kiln --plugins adds more for one session.</source>
        <translation>插件是来自共享库的自定义层，用于 Kiln 未实现的 ONNX 算子。插件文件夹中的每个库（*.so）会在 Kiln 启动时以及文件夹更改时加载；kiln --plugins 可为单次会话加载更多插件。</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="50"/>
        <source>No plugin folder</source>
        <translation>未设置插件文件夹</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="54"/>
        <source>Browse...</source>
        <translation>浏览...</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="57"/>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="58"/>
        <source>Load the libraries added to the folder since (loaded ones stay as they are)</source>
        <translation>加载此后添加到文件夹中的库（已加载的保持不变）</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="63"/>
        <source>Plugin folder:</source>
        <translation>插件文件夹：</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="73"/>
        <source>Op</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="73"/>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="73"/>
        <source>Domain</source>
        <translation>域</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="73"/>
        <source>Library</source>
        <translation>库</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="73"/>
        <source>Hash (xxh64)</source>
        <translation>哈希（xxh64）</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="97"/>
        <source>Plugin Folder</source>
        <translation>插件文件夹</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="118"/>
        <source>built in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="122"/>
        <source>Registered by the program itself</source>
        <translation>由程序自身注册</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="123"/>
        <source>Attributes: %1</source>
        <translation>属性：%1</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="123"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="127"/>
        <source>Loaded plugins: %1</source>
        <translation>已加载的插件：%1</translation>
    </message>
    <message>
        <location filename="../../work/main/app/studio/preferences_dialog.cpp" line="128"/>
        <source>Loading plugins ...</source>
        <translation>正在加载插件 ...</translation>
    </message>
</context>
<context>
    <name>kiln::views::CardPanel</name>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="94"/>
        <source>No pass selected.</source>
        <translation>未选择任何遍。</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="97"/>
        <source>Rewrites: %1, declined: %2 · max difference before/after on a random input: %3</source>
        <translation>改写：%1，拒绝：%2 · 随机输入下前后最大差值：%3</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="110"/>
        <source>This pass found nothing to change in this model.</source>
        <translation>这一遍在此模型中没有找到可改动之处。</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="132"/>
        <source>Why not fused?</source>
        <translation>为什么没有融合？</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="133"/>
        <source>Select a node on either canvas to see every pass that considered it and declined, with the reason.</source>
        <translation>在任一画布上选中一个节点，即可看到考虑过它却拒绝融合的每一遍及其原因。</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="138"/>
        <source>Why not fused: %1 (%2)</source>
        <translation>为什么没有融合：%1（%2）</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="140"/>
        <source>No pass declined this node.</source>
        <translation>没有任何遍拒绝过此节点。</translation>
    </message>
    <message>
        <location filename="../views/teach/card_panel.cpp" line="160"/>
        <source>Rewrites it took part in:</source>
        <translation>它参与过的改写：</translation>
    </message>
</context>
<context>
    <name>kiln::views::LifetimePlot</name>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="17"/>
        <source>Layer (execution order)</source>
        <translation>层（执行顺序）</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="18"/>
        <source>Arena offset (KiB)</source>
        <translation>内存池偏移（KiB）</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="67"/>
        <source>arena: %1</source>
        <translation>内存池：%1</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="70"/>
        <source>without reuse: %1</source>
        <translation>不复用时：%1</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="84"/>
        <source>(graph output: kept to the end)</source>
        <translation>（计算图输出：保留到最后）</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="86"/>
        <source>%1
%2 at offset %3, slot %4
lives from layer %5 (%6)
to layer %7 (%8)</source>
        <translation>%1
%2，偏移 %3，槽位 %4
存活于第 %5 层（%6）
至第 %7 层（%8）</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="91"/>
        <source>a view of %1: no bytes of its own</source>
        <translation>%1 的视图：没有自己的字节</translation>
    </message>
</context>
<context>
    <name>kiln::views::MemoryLesson</name>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="105"/>
        <source>Every box is one activation tensor: it is written by the layer where it starts and read for the last time where it ends. Boxes of one colour share an arena slot: once a tensor is dead, the memory planner gives its bytes to a later one. Hatched boxes are views (Reshape, Flatten): they have no bytes of their own.</source>
        <translation>每个方块是一个激活张量：它由起点处的层写入，在终点处被最后一次读取。同一颜色的方块共享一个内存池槽位：张量一旦不再使用，内存规划器就把它的字节交给后面的张量。带斜线的方块是视图（Reshape、Flatten）：它们没有自己的字节。</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="117"/>
        <source>No engine yet.</source>
        <translation>尚无引擎。</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="124"/>
        <source>Tensor lifetimes of %1</source>
        <translation>%1 的张量生命周期</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="126"/>
        <source>%1 activation buffers over %2 layers share %3 arena slots. Arena: &lt;b&gt;%4&lt;/b&gt;; one buffer per tensor would take &lt;b&gt;%5&lt;/b&gt;: reuse saves &lt;b&gt;%6%&lt;/b&gt;.</source>
        <translation>%2 层中的 %1 个激活缓冲区共享 %3 个内存池槽位。内存池：&lt;b&gt;%4&lt;/b&gt;；每个张量各占一个缓冲区则需要 &lt;b&gt;%5&lt;/b&gt;：复用节省 &lt;b&gt;%6%&lt;/b&gt;。</translation>
    </message>
    <message>
        <location filename="../views/teach/lifetime_plot.cpp" line="133"/>
        <source>%1 more are sized at run time and live outside the arena.</source>
        <translation>另有 %1 个在运行时确定大小，位于内存池之外。</translation>
    </message>
</context>
<context>
    <name>kiln::views::PassStepper</name>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="20"/>
        <source>Show passes that changed nothing</source>
        <translation>显示没有改动的遍</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="27"/>
        <source>Previous pass (Left)</source>
        <translation>上一遍（左方向键）</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="30"/>
        <source>Next pass (Right)</source>
        <translation>下一遍（右方向键）</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="33"/>
        <source>Play or pause (Space)</source>
        <translation>播放或暂停（空格键）</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="134"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="134"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="140"/>
        <source>No pass changed this model</source>
        <translation>没有任何遍改动此模型</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="140"/>
        <source>No model</source>
        <translation>没有模型</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="145"/>
        <source>Step %1 of %2 · pass %3 of %4: %5</source>
        <translation>第 %1 步，共 %2 步 · 第 %3 遍，共 %4 遍：%5</translation>
    </message>
    <message>
        <location filename="../views/teach/pass_stepper.cpp" line="148"/>
        <source>%1 — rewrites: %2, declined: %3, %4 → %5 nodes</source>
        <translation>%1 — 改写：%2，拒绝：%3，%4 → %5 个节点</translation>
    </message>
</context>
<context>
    <name>kiln::views::PlaygroundPanel</name>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="19"/>
        <source>Edit the playground model</source>
        <translation>编辑演练模型</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="20"/>
        <source>BatchNorm after each conv</source>
        <translation>每个卷积后接 BatchNorm</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="21"/>
        <source>Second consumer of act1&apos;s input (a tap)</source>
        <translation>act1 的输入有第二个使用者（旁路输出）</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="22"/>
        <source>Residual add (skip connection)</source>
        <translation>残差相加（跳跃连接）</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="24"/>
        <source>The open model</source>
        <translation>当前打开的模型</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="25"/>
        <source>Playground: residual block</source>
        <translation>演练模型：残差块</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="26"/>
        <source>1 — cleanup and folding</source>
        <translation>1 — 清理与折叠</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="27"/>
        <source>2 — + vertical fusion</source>
        <translation>2 — 加纵向融合</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="28"/>
        <source>3 — everything</source>
        <translation>3 — 全部</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="35"/>
        <source>fold-batchnorm folds a BatchNorm into the conv before it: w&apos; = w·γ/√(σ²+ε).</source>
        <translation>fold-batchnorm 把 BatchNorm 折叠进它前面的卷积：w&apos; = w·γ/√(σ²+ε)。</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="36"/>
        <source>A GlobalAveragePool also reads the tensor act1 reads. The conv must then write that tensor to memory, so the activation cannot run in the conv&apos;s epilogue.</source>
        <translation>一个 GlobalAveragePool 也读取 act1 所读的张量。于是卷积必须把该张量写入内存，激活函数就不能在卷积的收尾阶段（epilogue）中执行。</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="38"/>
        <source>conv2&apos;s output plus act1&apos;s output, before relu2: fuse-residual adds it in conv2&apos;s epilogue.</source>
        <translation>conv2 的输出加上 act1 的输出，再进入 relu2：fuse-residual 在 conv2 的收尾阶段完成这次相加。</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="39"/>
        <source>Reset edits</source>
        <translation>撤销所有修改</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="43"/>
        <source>Activation (act1):</source>
        <translation>激活函数（act1）：</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="48"/>
        <source>&lt;small&gt;&lt;tt&gt;input → conv1 → [bn1] → act1 → conv2 → [bn2] → [+ act1] → relu2 → pool → fc&lt;/tt&gt;&lt;/small&gt;</source>
        <translation>&lt;small&gt;&lt;tt&gt;input → conv1 → [bn1] → act1 → conv2 → [bn2] → [+ act1] → relu2 → pool → fc&lt;/tt&gt;&lt;/small&gt;</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="54"/>
        <source>Model:</source>
        <translation>模型：</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="55"/>
        <source>Optimization level:</source>
        <translation>优化级别：</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="79"/>
        <source>Sample: %1</source>
        <translation>示例：%1</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="84"/>
        <source>The open model (none)</source>
        <translation>当前打开的模型（无）</translation>
    </message>
    <message>
        <location filename="../views/teach/playground_panel.cpp" line="84"/>
        <source>The open model: %1</source>
        <translation>当前打开的模型：%1</translation>
    </message>
</context>
<context>
    <name>kiln::views::StepView</name>
    <message>
        <location filename="../views/teach/step_view.cpp" line="107"/>
        <source>matched by a rewrite (fused or removed)</source>
        <translation>被改写匹配（融合或移除）</translation>
    </message>
    <message>
        <location filename="../views/teach/step_view.cpp" line="108"/>
        <source>the layer it became</source>
        <translation>改写后得到的层</translation>
    </message>
    <message>
        <location filename="../views/teach/step_view.cpp" line="109"/>
        <source>declined (see the reason in the cards)</source>
        <translation>被拒绝（原因见说明卡片）</translation>
    </message>
    <message>
        <location filename="../views/teach/step_view.cpp" line="159"/>
        <source>Before %1 — %2 nodes</source>
        <translation>%1 之前 — %2 个节点</translation>
    </message>
    <message>
        <location filename="../views/teach/step_view.cpp" line="160"/>
        <source>After %1 — %2 nodes</source>
        <translation>%1 之后 — %2 个节点</translation>
    </message>
</context>
<context>
    <name>kiln::views::TeachCards</name>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="51"/>
        <source>checking…</source>
        <translation>正在检验…</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="54"/>
        <source>not computed</source>
        <translation>未计算</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="54"/>
        <source>not computed: %1</source>
        <translation>未计算：%1</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="55"/>
        <source>0 (identical outputs)</source>
        <translation>0（输出完全相同）</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="95"/>
        <source>γ, β, μ, σ² are %1&apos;s scale, bias, running mean and variance (%2 channels), ε = %3; w and b are %4&apos;s weights and bias%5.</source>
        <translation>γ、β、μ、σ² 是 %1 的缩放、偏置、滑动均值和方差（%2 个通道），ε = %3；w 和 b 是 %4 的权重和偏置%5。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="99"/>
        <source>the layer</source>
        <translation>该层</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="100"/>
        <source> (it had none, so b = 0)</source>
        <translation>（它原本没有偏置，所以 b = 0）</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="179"/>
        <source>A fused layer writes only its last result. Here another reader needs the tensor in the middle, so it must be written to memory anyway: fusing would save no traffic, and the other reader would get the wrong value.</source>
        <translation>融合后的层只写出最终结果。而这里另有使用者需要中间的张量，所以它无论如何都得写入内存：融合既省不下访存流量，另一个使用者还会读到错误的值。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="183"/>
        <source>The fused layers&apos; epilogue implements a fixed set of activations (Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, SiLU, GELU, Elu); this one is not among them, so it stays a layer of its own.</source>
        <translation>融合层的收尾阶段只实现了一组固定的激活函数（Relu、Clip、LeakyRelu、Sigmoid、Tanh、HardSigmoid、HardSwish、SiLU、GELU、Elu）；这个激活函数不在其中，所以它仍是单独的一层。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="187"/>
        <source>Folding needs the values at build time; a tensor computed at run time cannot be folded into weights.</source>
        <translation>折叠需要在构建时知道数值；运行时才计算出的张量无法折叠进权重。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="196"/>
        <source>&lt;b&gt;%1&lt;/b&gt; removed.</source>
        <translation>已移除 &lt;b&gt;%1&lt;/b&gt;。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="197"/>
        <source>&lt;b&gt;%1&lt;/b&gt; become one layer: &lt;b&gt;%2&lt;/b&gt; (%3).</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 合并为一层：&lt;b&gt;%2&lt;/b&gt;（%3）。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="206"/>
        <source>Why it is faster</source>
        <translation>为什么更快</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="208"/>
        <source>Computed once while the engine is built instead of on every inference.</source>
        <translation>在构建引擎时计算一次，而不是每次推理都计算。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="210"/>
        <source>%1 kernel launches become %2.</source>
        <translation>%1 次内核启动变为 %2 次。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="212"/>
        <source>%1 (%2, %3) is no longer written to memory and read back.</source>
        <translation>%1（%2，%3）不再写入内存再读回。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="213"/>
        <source>%1 (%2, %3) is no longer written to memory and read back by %4 layers.</source>
        <translation>%1（%2，%3）不再写入内存再由 %4 个层读回。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="216"/>
        <source>&lt;b&gt;%1 less memory traffic&lt;/b&gt; per inference at batch 1.</source>
        <translation>批大小为 1 时，每次推理&lt;b&gt;减少 %1 的访存流量&lt;/b&gt;。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="217"/>
        <source>No kernel and no activation tensor less: this rewrite simplifies the graph for later passes.</source>
        <translation>内核数和激活张量都没有减少：这次改写是为后面的遍简化计算图。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="219"/>
        <source>Numeric check</source>
        <translation>数值检验</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="220"/>
        <source>Max difference before/after on a random input: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>随机输入下改写前后的最大差值：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="228"/>
        <source>Not fused: %1</source>
        <translation>未融合：%1</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_cards.cpp" line="229"/>
        <source>Reason: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>原因：&lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>kiln::views::TeachWindow</name>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="26"/>
        <source>Teaching Mode — Kiln</source>
        <translation>教学模式 — Kiln</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="37"/>
        <source>Passes</source>
        <translation>优化遍</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="38"/>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="50"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="51"/>
        <source>Explanations</source>
        <translation>讲解</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="63"/>
        <source>Running the optimizer: pass %1 of %2</source>
        <translation>正在运行优化器：第 %1 遍，共 %2 遍</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="98"/>
        <source>the playground model</source>
        <translation>演练模型</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="115"/>
        <source>No model is open in the studio. Choose the playground model or a sample on the left.</source>
        <translation>工作室中没有打开模型。请在左侧选择演练模型或示例。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="116"/>
        <source>%1 is a built engine: its passes ran when it was built. Open the ONNX model to step through them, or choose the playground or a sample on the left. The Memory tab shows this engine&apos;s memory plan.</source>
        <translation>%1 是已构建的引擎：它的优化遍在构建时就已运行。打开 ONNX 模型即可逐遍查看，或在左侧选择演练模型或示例。“内存”标签页显示此引擎的内存规划。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="128"/>
        <location filename="../views/teach/teach_window.cpp" line="203"/>
        <source>No engine.</source>
        <translation>没有引擎。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="150"/>
        <source>Running the optimizer on %1…</source>
        <translation>正在对 %1 运行优化器…</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="151"/>
        <source>Building the engine for the memory lesson…</source>
        <translation>正在为内存课程构建引擎…</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="166"/>
        <source>%1 rewrites, %2 declined: %3 nodes became %4 layers.</source>
        <translation>%1 次改写，%2 次拒绝：%3 个节点变为 %4 个层。</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="168"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="198"/>
        <source>The engine could not be built: %1</source>
        <translation>无法构建引擎：%1</translation>
    </message>
    <message>
        <location filename="../views/teach/teach_window.cpp" line="201"/>
        <source>The optimizer could not run on %1: %2</source>
        <translation>无法对 %1 运行优化器：%2</translation>
    </message>
</context>
<context>
    <name>kiln::views::TourOverlay</name>
    <message>
        <location filename="../views/teach/tour_overlay.cpp" line="17"/>
        <source>Back</source>
        <translation>上一步</translation>
    </message>
    <message>
        <location filename="../views/teach/tour_overlay.cpp" line="17"/>
        <location filename="../views/teach/tour_overlay.cpp" line="80"/>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../views/teach/tour_overlay.cpp" line="18"/>
        <source>Skip tour</source>
        <translation>跳过导览</translation>
    </message>
    <message>
        <location filename="../views/teach/tour_overlay.cpp" line="78"/>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <location filename="../views/teach/tour_overlay.cpp" line="80"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
</TS>

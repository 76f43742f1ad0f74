<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>cannot import &apos;%1&apos;: %2</source>
        <translation>无法导入“%1”：%2</translation>
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
        <location filename="../app/studio/main_window.cpp" line="42"/>
        <source>Layout failed: %1</source>
        <translation>布局失败：%1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="46"/>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="67"/>
        <source>Outline</source>
        <translation>大纲</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="68"/>
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="69"/>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="77"/>
        <source>Opening %1 ...</source>
        <translation>正在打开 %1...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="80"/>
        <source>Cannot open model</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="80"/>
        <source>Kiln could not import %1:

%2</source>
        <translation>Kiln 无法导入 %1：

%2</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="99"/>
        <source>Imported %1: %2 nodes in %3 ms; laying out ...</source>
        <translation>已导入 %1：%2 个节点，用时 %3 毫秒；正在布局...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="101"/>
        <source>Laying out %1 ...</source>
        <translation>正在布局 %1...</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="111"/>
        <source>Closed %1</source>
        <translation>已关闭 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="113"/>
        <source>No model open</source>
        <translation>未打开模型</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="120"/>
        <source>Showing %1: layout %2 ms, %3 ms from open to graph on screen</source>
        <translation>正在显示 %1：布局 %2 毫秒，从打开到显示共 %3 毫秒</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="122"/>
        <source>%1 — %2 nodes</source>
        <translation>%1 — %2 个节点</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="161"/>
        <source>%1 — Kiln</source>
        <translation>%1 — Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window.cpp" line="161"/>
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
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="77"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="80"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="90"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="91"/>
        <source>&amp;About Kiln</source>
        <translation>关于 Kiln(&amp;A)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="92"/>
        <source>About &amp;Qt</source>
        <translation>关于 &amp;Qt</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="98"/>
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="111"/>
        <source>Open Model</source>
        <translation>打开模型</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="111"/>
        <source>ONNX models (*.onnx);;All files (*)</source>
        <translation>ONNX 模型 (*.onnx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="120"/>
        <source>Export Image</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="120"/>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="123"/>
        <source>Exported %1</source>
        <translation>已导出 %1</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="124"/>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="148"/>
        <source>Clear List</source>
        <translation>清除列表</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="157"/>
        <location filename="../app/studio/main_window_actions.cpp" line="158"/>
        <source>The language changes the next time Kiln starts.</source>
        <translation>语言将在下次启动 Kiln 时生效。</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="162"/>
        <source>About Kiln</source>
        <translation>关于 Kiln</translation>
    </message>
    <message>
        <location filename="../app/studio/main_window_actions.cpp" line="163"/>
        <source>&lt;b&gt;Kiln %1&lt;/b&gt;&lt;p&gt;A model inspector and optimizer studio for ONNX models.&lt;/p&gt;</source>
        <translation>&lt;b&gt;Kiln %1&lt;/b&gt;&lt;p&gt;面向 ONNX 模型的模型查看与优化工作室。&lt;/p&gt;</translation>
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
        <location filename="../views/inspector/inspector_widget.cpp" line="48"/>
        <source>No model open.</source>
        <translation>未打开模型。</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="59"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="60"/>
        <source>Producer</source>
        <translation>生成工具</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="61"/>
        <source>IR version</source>
        <translation>IR 版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="65"/>
        <source>Opsets</source>
        <translation>算子集</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="66"/>
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="67"/>
        <source>Model version</source>
        <translation>模型版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="68"/>
        <location filename="../views/inspector/inspector_widget.cpp" line="111"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="69"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="70"/>
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="70"/>
        <source>%1 (%2 bytes in %3 tensors)</source>
        <translation>%1（%3 个张量，共 %2 字节）</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="77"/>
        <source>Model properties</source>
        <translation>模型属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="78"/>
        <source>Metadata</source>
        <translation>元数据</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="79"/>
        <source>Operators</source>
        <translation>算子</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="88"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="89"/>
        <source>Op type</source>
        <translation>算子类型</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="90"/>
        <source>Domain</source>
        <translation>域</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="91"/>
        <source>Opset</source>
        <translation>算子集版本</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="92"/>
        <source>Fused from</source>
        <translation>融合自</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="102"/>
        <source>[weight]</source>
        <translation>[权重]</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="107"/>
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="108"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="109"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="110"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/inspector/inspector_widget.cpp" line="132"/>
        <source>min %1 · max %2 · mean %3 · std %4 · zeros %5% · %6 values</source>
        <translation>最小 %1 · 最大 %2 · 均值 %3 · 标准差 %4 · 零值 %5% · 共 %6 个值</translation>
    </message>
</context>
<context>
    <name>kiln::views::OutlineModel</name>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="34"/>
        <source>Inputs</source>
        <translation>输入</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="36"/>
        <source>Outputs</source>
        <translation>输出</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="38"/>
        <source>Nodes</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="92"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../views/outline/outline_model.cpp" line="92"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <location filename="../app/studio/main.cpp" line="60"/>
        <source>Kiln studio: inspect ONNX models.</source>
        <translation>Kiln 工作室：查看 ONNX 模型。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="64"/>
        <source>Render the graph of MODEL to OUT (.png or .svg) and exit.</source>
        <translation>将 MODEL 的计算图渲染到 OUT（.png 或 .svg）后退出。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="67"/>
        <source>Save a picture of the window once the graph is shown, then exit.</source>
        <translation>计算图显示后保存窗口截图，然后退出。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="69"/>
        <source>Window size, e.g. 1400x900.</source>
        <translation>窗口大小，例如 1400x900。</translation>
    </message>
    <message>
        <location filename="../app/studio/main.cpp" line="72"/>
        <source>The .onnx file to open.</source>
        <translation>要打开的 .onnx 文件。</translation>
    </message>
</context>
</TS>

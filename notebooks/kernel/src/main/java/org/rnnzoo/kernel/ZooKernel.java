package org.rnnzoo.kernel;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A Jupyter kernel for Java notebooks: jjava-jupyter speaks the wire protocol, the JDK's JShell
 * evaluates cells in this JVM (so ND4J loads its native backend once, with no remote agent).
 * It understands the magics IJava and JJava share ({@code %maven}, {@code %classpath}, {@code %jars},
 * {@code %load}), so one .ipynb runs under any of the three, and renders a {@link RenderedImage}
 * returned as a cell's last expression as an inline PNG, as IJava does.
 */
public final class ZooKernel extends BaseKernel {
    /** JShell's own default imports (the jshell tool's DEFAULT startup), which IJava and JJava also start with. */
    private static final String DEFAULT_IMPORTS = String.join("\n",
            "import java.io.*;", "import java.math.*;", "import java.net.*;", "import java.nio.file.*;",
            "import java.util.*;", "import java.util.concurrent.*;", "import java.util.function.*;",
            "import java.util.prefs.*;", "import java.util.regex.*;", "import java.util.stream.*;");

    private final JShell shell;
    private final ValueKeepingControl.Provider engine;
    private final Magics magics;

    private ZooKernel(Builder b, ValueKeepingControl.Provider engine) {
        super(b.name(), b.version(), languageInfo(), List.of(), b.history(), b.io(), b.comms(), b.renderer(),
                new MagicParser("(?<=(?:^|=))\\s*%", "%%", b.transpiler()), b.magics(), false, b.styler());
        this.engine = engine;
        this.shell = JShell.builder().executionEngine(engine, Map.of()).out(System.out).err(System.err).in(System.in).build();
        this.magics = new Magics(this);
        evalRaw(DEFAULT_IMPORTS);
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) throw new IllegalArgumentException("usage: ZooKernel CONNECTION_FILE");
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(props);
        ZooKernel kernel = new Builder().name("rnn-zoo java").version("0.1.0").build();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo("Java", Runtime.version().toString(), "text/x-java-source", ".jshell", "java", "java", null);
    }

    /** Adds a jar or class folder to both the compiler's class path and the class loader of the cells. */
    void addToClasspath(Path entry) { shell.addToClasspath(entry.toAbsolutePath().toString()); }

    @Override
    public DisplayData eval(String code) {
        Object value = evalRaw(code);
        if (value == null) return null;
        if (value instanceof RenderedImage image) return png(image);
        return getRenderer().render(value);
    }

    private static DisplayData png(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the image as PNG: " + e.getMessage(), e);
        }
        DisplayData data = new DisplayData("<image " + image.getWidth() + "x" + image.getHeight() + ">");
        data.putData("image/png", Base64.getEncoder().encodeToString(bytes.toByteArray()));
        return data;
    }

    /**
     * Evaluates a cell: lines starting with {@code %} are magics, run in order with the Java between them;
     * the value of the last Java snippet is the cell's value.
     */
    @Override
    public Object evalRaw(String cell) {
        Object last = null;
        StringBuilder java = new StringBuilder();
        for (String line : cell.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("%") && !t.startsWith("%%")) {
                if (!java.toString().isBlank()) evalJava(java.toString());
                java.setLength(0);
                last = magics.run(t.substring(1));
            } else if (t.startsWith("%%")) {
                throw new IllegalArgumentException("cell magics are not supported by this kernel: " + t);
            } else {
                java.append(line).append('\n');
            }
        }
        if (!java.toString().isBlank()) last = evalJava(java.toString());
        return last;
    }

    /** Runs JShell snippet by snippet; the value of the last one (an expression or a variable) is returned. */
    private Object evalJava(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code);
        Object value = null;
        while (info.completeness().isComplete()) {
            value = evalSnippet(info.source());
            info = analysis.analyzeCompletion(info.remaining());
        }
        if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY)
            throw new IllegalArgumentException("incomplete Java: " + info.remaining().strip());
        return value;
    }

    private Object evalSnippet(String source) {
        List<SnippetEvent> events = shell.eval(source);
        Object value = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            Snippet.SubKind kind = e.snippet().subKind();
            Object v = kind.isExecutable() ? engine.control().take(e.value()) : null;
            if (e.exception() != null) throw failure(e.exception());
            if (!e.status().isDefined()) throw compileError(e.snippet());
            value = switch (kind) {
                case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> v;
                default -> null;
            };
        }
        return value;
    }

    private static RuntimeException failure(JShellException e) {
        if (e instanceof EvalException ee) {
            RuntimeException r = new RuntimeException(ee.getExceptionClassName() + (ee.getMessage() == null ? "" : ": " + ee.getMessage()));
            r.setStackTrace(ee.getStackTrace());
            if (ee.getCause() != null) r.initCause(ee.getCause());
            return r;
        }
        if (e instanceof UnresolvedReferenceException u)
            return new IllegalStateException("unresolved reference in " + u.getSnippet().source().strip());
        return new RuntimeException(e.getMessage(), e);
    }

    private RuntimeException compileError(Snippet snippet) {
        String source = snippet.source();
        String diags = shell.diagnostics(snippet).map(d -> describe(d, source)).collect(Collectors.joining("\n"));
        return new IllegalArgumentException("does not compile:\n" + (diags.isEmpty() ? source.strip() : diags));
    }

    private static String describe(Diag d, String source) {
        int line = 1;
        for (int i = 0; i < d.getStartPosition() && i < source.length(); i++) if (source.charAt(i) == '\n') line++;
        String text = source.split("\n", -1)[Math.min(line - 1, source.split("\n", -1).length - 1)].strip();
        return d.getMessage(null) + "\n    " + text;
    }

    /** Errors as plain lines (a cell error's text is what CI logs show). */
    @Override
    public List<String> formatError(Throwable e) {
        List<String> lines = new ArrayList<>();
        lines.add(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().startsWith("org.rnnzoo.kernel.") || f.getClassName().startsWith("jdk.")) break;
            lines.add("    at " + f);
        }
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) lines.add("caused by " + c);
        return lines;
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) { return null; }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code);
        while (info.completeness().isComplete()) info = analysis.analyzeCompletion(info.remaining());
        return switch (info.completeness()) {
            case EMPTY, COMPLETE, COMPLETE_WITH_SEMI -> IS_COMPLETE_YES;
            case UNKNOWN -> IS_COMPLETE_BAD;
            default -> "    ";
        };
    }

    @Override
    public void interrupt() { shell.stop(); }

    @Override
    public void onShutdown(boolean restart) { shell.close(); }

    /**
     * JShell's in-process engine, except that a snippet's value is kept as an object (JShell itself
     * only passes its toString back), so a returned image can be rendered as an image.
     */
    static final class ValueKeepingControl extends LocalExecutionControl {
        private final Map<String, Object> values = new ConcurrentHashMap<>();
        private final AtomicLong ids = new AtomicLong();

        @Override
        protected String invoke(Method doit) throws Exception {
            Object value = doit.invoke(null);
            String key = "value#" + ids.incrementAndGet();
            if (value != null) values.put(key, value);
            return key;
        }

        Object take(String key) { return key == null ? null : values.remove(key); }

        static final class Provider implements ExecutionControlProvider {
            private volatile ValueKeepingControl control;

            @Override public String name() { return "rnnzoo-local"; }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                control = new ValueKeepingControl();
                return control;
            }

            ValueKeepingControl control() { return control; }
        }
    }

    /** Exposes the base builder's defaults (I/O, renderer, history, comms) to the constructor. */
    static final class Builder extends BaseKernelBuilder<Builder, ZooKernel> {
        String name() { return buildName(); }
        String version() { return buildVersion(); }
        org.dflib.jjava.jupyter.kernel.history.HistoryManager history() { return buildHistoryManager(); }
        org.dflib.jjava.jupyter.kernel.JupyterIO io() { return buildJupyterIO(buildJupyterIOEncoding()); }
        org.dflib.jjava.jupyter.kernel.comm.CommManager comms() { return buildCommManager(); }
        org.dflib.jjava.jupyter.kernel.display.Renderer renderer() { return buildRenderer(); }
        org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler transpiler() { return buildMagicTranspiler(); }
        org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry magics() { return buildMagicsRegistry(); }
        org.dflib.jjava.jupyter.kernel.util.StringStyler styler() { return buildErrorStyler(); }

        @Override
        public ZooKernel build() { return new ZooKernel(this, new ValueKeepingControl.Provider()); }
    }
}

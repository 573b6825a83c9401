package org.rnnzoo.cli;

import org.rnnzoo.common.ZooException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./zoo}: a thin command line over {@link org.rnnzoo.Zoo}. */
@Command(name = "zoo", mixinStandardHelpOptions = true, version = "rnn-zoo 0.1.0",
        description = "Recurrent architectures of the CS224N RNN lecture as DL4J ComputationGraphs.",
        subcommands = {ListCommand.class, InfoCommand.class, TrainCommand.class, EvalCommand.class, SampleCommand.class,
                ModelsCommand.class, PredictCommand.class, BenchCommand.class, ReproduceCommand.class, DataCommand.class, GradientsCommand.class, ClippingCommand.class, TranslateCommand.class,
                TranslateCommand.G2p.class, UiCommand.class, CommandLine.HelpCommand.class})
public final class ZooCommand implements Runnable {
    @Override
    public void run() { new CommandLine(this).usage(System.out); }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(execute(args));
    }

    /** Runs the CLI; user errors become one line on stderr and exit code 2, never a bare stack trace. */
    public static int execute(String... args) {
        try {
            org.rnnzoo.kernels.TwoLanes.lanes();        // reads ZOO_THREADS: a bad value is a user error, not a stack trace
        } catch (ExceptionInInitializerError e) {
            System.err.println("zoo: error: " + e.getCause().getMessage());
            return 2;
        }
        CommandLine cl = new CommandLine(new ZooCommand());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (isUserError(ex)) {
                System.err.println("zoo: error: " + ex.getMessage());
                if (System.getenv("ZOO_DEBUG") != null) ex.printStackTrace();
                return 2;
            }
            System.err.println("zoo: internal error: " + ex);
            if (System.getenv("ZOO_DEBUG") != null) ex.printStackTrace();
            else System.err.println("(set ZOO_DEBUG=1 for the stack trace)");
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("zoo: error: " + ex.getMessage());
            System.err.println("(see: zoo " + String.join(" ", ex.getCommandLine().getCommandName()) + " --help)");
            return 2;
        });
        return cl.execute(args);
    }

    private static boolean isUserError(Throwable ex) {
        // DatasetException is the data layer's one-line error; both are meant for the user.
        return ex instanceof ZooException || ex.getClass().getSimpleName().equals("DatasetException");
    }
}

package movierec.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A background process that {@code movierec up} starts and {@code down} stops. It runs in its own session
 * ({@code setsid}), so Ctrl-C on the CLI leaves it alone and {@code down} can stop it and every child it spawned by
 * signalling the whole process group. The pid is recorded in {@code <data>/run/<name>.pid}.
 */
public final class LocalProcess {
    private final String name;
    private final Path runDir;
    private final Path logFile;

    public LocalProcess(MovierecConfig config, String name) {
        this.name = name;
        this.runDir = config.dataDir().resolve("run");
        this.logFile = config.dataDir().resolve("logs").resolve(name + ".log");
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    public Path pidFile() {
        return runDir.resolve(name + ".pid");
    }

    /** Starts {@code command} detached, output appended to the log file; returns the pid. */
    public long start(List<String> command, Map<String, String> env, Path workDir) {
        try {
            Files.createDirectories(runDir);
            Files.createDirectories(logFile.getParent());
            List<String> cmd = new ArrayList<>();
            cmd.add("setsid");
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            Files.writeString(pidFile(), Long.toString(p.pid()));
            return p.pid();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The recorded pid if that process is still alive. */
    public Optional<Long> pid() {
        try {
            if (!Files.exists(pidFile())) return Optional.empty();
            long pid = Long.parseLong(Files.readString(pidFile()).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean running() {
        return pid().isPresent();
    }

    /**
     * Stops the process group: SIGTERM, up to {@code graceSeconds} to exit, then SIGKILL. Returns true if something
     * was running.
     */
    public boolean stop(int graceSeconds) {
        Optional<Long> pid = pid();
        if (pid.isEmpty()) {
            deletePidFile();
            return false;
        }
        long p = pid.get();
        List<ProcessHandle> tree = new ArrayList<>();
        ProcessHandle.of(p).ifPresent(h -> {
            tree.add(h);
            h.descendants().forEach(tree::add);
        });
        signalGroup(p, "TERM");
        long deadline = System.currentTimeMillis() + graceSeconds * 1000L;
        while (System.currentTimeMillis() < deadline && tree.stream().anyMatch(ProcessHandle::isAlive)) sleep(200);
        if (tree.stream().anyMatch(ProcessHandle::isAlive)) {
            signalGroup(p, "KILL");
            tree.forEach(ProcessHandle::destroyForcibly);
            long killDeadline = System.currentTimeMillis() + 5000;
            while (System.currentTimeMillis() < killDeadline && tree.stream().anyMatch(ProcessHandle::isAlive))
                sleep(100);
        }
        deletePidFile();
        return true;
    }

    /** SIGKILL to the whole process group, no grace: what a crash looks like (fault tests). */
    public void kill() {
        pid().ifPresent(p -> {
            List<ProcessHandle> tree = new ArrayList<>();
            ProcessHandle.of(p).ifPresent(h -> {
                tree.add(h);
                h.descendants().forEach(tree::add);
            });
            signalGroup(p, "KILL");
            tree.forEach(ProcessHandle::destroyForcibly);
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline && tree.stream().anyMatch(ProcessHandle::isAlive)) sleep(100);
        });
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException ignored) {
            // a stale pid file is harmless: pid() checks liveness
        }
    }

    private static void signalGroup(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, "--", "-" + pid)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (signal.equals("KILL")) h.destroyForcibly();
                else h.destroy();
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CPU time (user + system) the process tree has used so far, in seconds; 0 when unknown. */
    public double cpuSeconds() {
        return pid().flatMap(ProcessHandle::of)
                .map(h ->
                        cpu(h) + h.descendants().mapToDouble(LocalProcess::cpu).sum())
                .orElse(0.0);
    }

    /**
     * CPU time the process tree's JIT compiler threads (HotSpot's {@code C1/C2 CompilerThread}) have used so far, in
     * seconds, from Linux's /proc; 0 when unknown. A JVM compiles its hot code in its first minutes of a new load: a
     * one-off a benchmark waits out before it measures.
     */
    public double jitSeconds() {
        return pid().flatMap(ProcessHandle::of)
                .map(h -> jitSeconds(h.pid())
                        + h.descendants().mapToDouble(d -> jitSeconds(d.pid())).sum())
                .orElse(0.0);
    }

    static double jitSeconds(long pid) {
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            return tasks.mapToDouble(LocalProcess::compilerThreadSeconds).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // not Linux, or the process is gone
        }
    }

    private static double compilerThreadSeconds(Path task) {
        try {
            String name = Files.readString(task.resolve("comm"));
            if (!name.startsWith("C1 Compiler") && !name.startsWith("C2 Compiler")) return 0;
            String stat = Files.readString(task.resolve("stat"));
            // after the ")" that ends the thread's name: state is field 3, utime and stime fields 14 and 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // /proc counts in USER_HZ, 100 on Linux
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended
        }
    }

    /** CPU time this JVM has used so far, in seconds: a benchmark's own share of the cores it measures on. */
    public static double thisJvmCpuSeconds() {
        return cpu(ProcessHandle.current());
    }

    private static double cpu(ProcessHandle h) {
        return h.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    /** Resident memory of the process tree in bytes, read from /proc; 0 when unknown. */
    public long rssBytes() {
        return pid().map(p -> {
                    long total = rss(p);
                    total += ProcessHandle.of(p)
                            .map(h ->
                                    h.descendants().mapToLong(d -> rss(d.pid())).sum())
                            .orElse(0L);
                    return total;
                })
                .orElse(0L);
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException ignored) {
            // process gone
        }
        return 0;
    }

    /** True when something listens on 127.0.0.1:port. */
    public static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails with a one-line, actionable message when the port cannot be bound. */
    public static void requireFreePort(int port, String what, String configKey) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "port " + port + " for " + what + " is already in use: stop whatever listens there"
                            + " (ss -ltnp 'sport = :" + port + "') or choose another port with " + configKey
                            + " in movierec.properties or "
                            + MovierecConfig.envName(configKey));
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The java binary of this JVM, used to start Kafka, the stream job and the API on the same JDK. */
    public static String currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}

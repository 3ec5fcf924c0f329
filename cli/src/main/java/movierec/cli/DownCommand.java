package movierec.cli;

import java.util.concurrent.Callable;
import movierec.common.LocalProcess;
import picocli.CommandLine.Command;

/** Stops every process {@code up} started, by recorded pid: gracefully, then forcefully. */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop everything `up` started.")
public final class DownCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Stack stack = new Stack(Main.config());
    for (LocalProcess p : stack.processesInStopOrder()) {
      System.out.print("  " + p.name() + ": ");
      System.out.println(p.stop(30) ? "stopped" : "not running");
    }
    return 0;
  }
}

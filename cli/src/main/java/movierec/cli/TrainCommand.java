package movierec.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Trains the ALS model on the ratings in Elasticsearch and publishes its vectors. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train ALS (implicit feedback, tuned on a validation split), write movie and user vectors, publish the model.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        new Stack(Main.config()).train(System.out);
        System.out.printf("trained in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}

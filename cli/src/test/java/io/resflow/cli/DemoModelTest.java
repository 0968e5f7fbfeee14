package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.trainer.run.RunDescription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoModelTest {

    @TempDir Path folder;

    @Test
    void aFolderOfTheUsersWhereTheQuickModelWouldTrainIsRefusedNotDeleted() throws Exception {
        Path run = Files.createDirectories(folder.resolve(DemoModel.QUICK_RUN_FOLDER));
        Files.writeString(run.resolve("precious.txt"), "mine");

        assertThatThrownBy(() -> DemoModel.clearEarlierQuickRun(run, folder.resolve("model")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an earlier demo training run");
        assertThat(run.resolve("precious.txt")).hasContent("mine");
    }

    @Test
    void anEarlierQuickRunOrAnEmptyFolderIsCleared() throws Exception {
        Path run = Files.createDirectories(folder.resolve(DemoModel.QUICK_RUN_FOLDER));
        new RunDescription(
                        DemoModel.QUICK_MODEL_NAME,
                        "1",
                        DemoModel.ARCHITECTURE,
                        "fashion-mnist",
                        List.of("a", "b"),
                        new long[] {1, 28, 28},
                        1L,
                        Instant.EPOCH)
                .write(run);
        Files.createDirectories(run.resolve("checkpoints"));

        DemoModel.clearEarlierQuickRun(run, folder.resolve("model"));
        assertThat(run).doesNotExist();

        Files.createDirectories(run);
        DemoModel.clearEarlierQuickRun(run, folder.resolve("model"));
        assertThat(run).doesNotExist();
    }
}

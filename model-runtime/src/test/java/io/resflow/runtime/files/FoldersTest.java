package io.resflow.runtime.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {

    @TempDir Path temp;

    @Test
    void deletesAFolderWithEverythingInIt() throws Exception {
        Path model = Files.createDirectories(temp.resolve("model/variables"));
        Files.writeString(model.resolve("variables.index"), "x");
        Files.writeString(temp.resolve("model/saved_model.pb"), "y");

        Folders.deleteRecursively(temp.resolve("model"));

        assertThat(temp.resolve("model")).doesNotExist();
        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void deletesASingleFileAndIgnoresWhatIsNotThere() throws Exception {
        Path file = Files.writeString(temp.resolve("run.json"), "{}");
        Folders.deleteRecursively(file);
        assertThat(file).doesNotExist();

        Folders.deleteRecursively(temp.resolve("missing"));
        assertThat(temp).isEmptyDirectory();
    }

    @Test
    void hasEntriesOnlyForAFolderWithSomethingInIt() throws Exception {
        assertThat(Folders.hasEntries(temp)).isFalse();
        Path file = Files.writeString(temp.resolve("a"), "a");
        assertThat(Folders.hasEntries(temp)).isTrue();
        assertThat(Folders.hasEntries(file)).isFalse();
        assertThat(Folders.hasEntries(temp.resolve("missing"))).isFalse();
    }
}

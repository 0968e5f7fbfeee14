package io.resflow.ingest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DropOldestQueueTest {

    @Test
    void dropsTheOldestWhenFullAndReportsIt() throws Exception {
        List<Integer> dropped = new ArrayList<>();
        DropOldestQueue<Integer> queue = new DropOldestQueue<>(3, dropped::add);
        for (int i = 1; i <= 5; i++) {
            queue.offer(i);
        }
        assertThat(dropped).containsExactly(1, 2);
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isEqualTo(3);
        assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isEqualTo(4);
        assertThat(queue.poll(0, TimeUnit.MILLISECONDS)).isEqualTo(5);
        assertThat(queue.poll(10, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aWaitingConsumerGetsTheNextItem() throws Exception {
        DropOldestQueue<String> queue = new DropOldestQueue<>(1, item -> {});
        Thread producer =
                new Thread(
                        () -> {
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                return;
                            }
                            queue.offer("frame");
                        });
        producer.start();
        assertThat(queue.poll(5, TimeUnit.SECONDS)).isEqualTo("frame");
        producer.join();
    }
}

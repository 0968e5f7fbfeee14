package io.resflow.ingest.flow;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A bounded queue between a camera and Kafka that never blocks the camera: when full, {@link
 * #offer} drops the oldest element (handing it to the drop listener, which counts it), because for
 * a live feed the newest frame is worth most and memory must not grow when the broker is slower
 * than the cameras.
 */
public final class DropOldestQueue<T> {

    private final int capacity;
    private final ArrayDeque<T> items;
    private final Consumer<T> onDrop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    public DropOldestQueue(int capacity, Consumer<T> onDrop) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "queue capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
        this.onDrop = onDrop;
    }

    /** Adds the item; when full, first removes the oldest and reports it dropped. */
    public void offer(T item) {
        T dropped = null;
        lock.lock();
        try {
            if (items.size() == capacity) {
                dropped = items.pollFirst();
            }
            items.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        if (dropped != null) {
            onDrop.accept(dropped);
        }
    }

    /** The oldest item, waiting up to the timeout; null if none came. */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (items.isEmpty()) {
                if (nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            return items.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }
}

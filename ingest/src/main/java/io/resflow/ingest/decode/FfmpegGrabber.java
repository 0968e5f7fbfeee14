package io.resflow.ingest.decode;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG2_FAST;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOTIMESTAMPS;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_network_init;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.resflow.datasets.ImageShape;
import io.resflow.ingest.cameras.Urls;
import io.resflow.ingest.decode.DecodedFrame.CaptureClock;
import io.resflow.ingest.decode.StreamException.Kind;
import io.resflow.runtime.images.Pixels;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decodes one stream or file with FFmpeg (libavformat/libavcodec through bytedeco's bindings) into
 * RGB frames. Every blocking FFmpeg call is bounded by the timeout through FFmpeg's interrupt
 * callback, which {@link #close()} also trips, so a URL that never answers fails as {@link
 * Kind#TIMED_OUT} and a stopping ingest never hangs on a dead camera.
 *
 * <p>Capture times: RTSP gives the camera's wall clock once its first RTCP sender report arrived
 * (FFmpeg's {@code start_time_realtime}, the NTP time of pts 0); everything else (files, MJPEG,
 * RTSP before the report, cameras without reports) gets the time ingest decoded the frame.
 */
public final class FfmpegGrabber implements FrameGrabber {

    /** Consecutive undecodable packets after which a stream counts as broken (garbage bytes). */
    private static final int MAX_CONSECUTIVE_DECODE_ERRORS = 50;

    /** Grabbers by the id their interrupt callback gets as its opaque pointer. */
    private static final Map<Long, FfmpegGrabber> OPEN = new ConcurrentHashMap<>();

    private static final AtomicLong IDS = new AtomicLong();

    /**
     * One callback for all grabbers: JavaCPP gives each callback class a fixed number of native
     * thunks, so one per stream would run out with many cameras and reconnects.
     */
    private static final AVIOInterruptCB.Callback_Pointer INTERRUPT = new InterruptCallback();

    static {
        avformat_network_init();
        FfmpegLog.install();
    }

    private final long id = IDS.incrementAndGet();
    private final LongPointer opaque = new LongPointer(1);
    private final String safeUrl;
    private final long timeoutNanos;
    private final boolean realTime;
    private volatile boolean closed;
    private volatile long deadline;

    private AVFormatContext format;
    private AVCodecContext decoder;
    private AVPacket packet;
    private AVFrame frame;
    private SwsContext scaler;
    private BytePointer rgb;
    private int rgbWidth;
    private int rgbHeight;
    private int videoIndex;
    private double timeBase;
    private boolean streamTimestamps;
    private boolean draining;
    private int consecutiveErrors;
    private StreamInfo info;
    private long openedNanos;
    private double firstPtsSeconds = Double.NaN;
    private long firstFrameNanos;

    private FfmpegGrabber(String url, GrabOptions options) {
        this.safeUrl = Urls.redact(url);
        this.timeoutNanos = options.timeout().toNanos();
        this.realTime = options.realTime() && Urls.isFile(url);
        opaque.put(id);
    }

    /** Opens the stream or file; fails with the reason and the URL without credentials. */
    public static FfmpegGrabber open(String url, GrabOptions options) throws StreamException {
        FfmpegGrabber grabber = new FfmpegGrabber(url, options);
        OPEN.put(grabber.id, grabber);
        try {
            grabber.openStream(url, options);
            return grabber;
        } catch (StreamException | RuntimeException e) {
            grabber.close();
            throw e;
        }
    }

    private void openStream(String url, GrabOptions options) throws StreamException {
        format = avformat_alloc_context();
        AVIOInterruptCB interrupt = format.interrupt_callback();
        interrupt.callback(INTERRUPT);
        interrupt.opaque(opaque);
        AVDictionary settings = new AVDictionary(null);
        String micros = Long.toString(TimeUnit.NANOSECONDS.toMicros(timeoutNanos));
        if ("rtsp".equals(Urls.scheme(url)) || "rtsps".equals(Urls.scheme(url))) {
            av_dict_set(settings, "rtsp_transport", options.rtspTransport(), 0);
            av_dict_set(settings, "timeout", micros, 0);
        } else if (!Urls.isFile(url)) {
            av_dict_set(settings, "rw_timeout", micros, 0);
        }
        String path = url.startsWith("file:") ? url.substring("file:".length()) : url;
        armDeadline();
        openedNanos = System.nanoTime();
        int result = avformat_open_input(format, path, null, settings);
        av_dict_free(settings);
        if (result < 0) {
            // FFmpeg frees the context when opening fails.
            format = null;
            if (timedOut()) {
                throw new StreamException(
                        Kind.TIMED_OUT, safeUrl + ": no answer within " + seconds());
            }
            throw failure(Kind.OPEN_FAILED, "could not open", result);
        }
        armDeadline();
        result = avformat_find_stream_info(format, (PointerPointer<?>) null);
        if (result < 0) {
            if (timedOut()) {
                throw new StreamException(
                        Kind.TIMED_OUT, safeUrl + ": no stream information within " + seconds());
            }
            throw failure(Kind.OPEN_FAILED, "could not read the stream's format", result);
        }
        videoIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (AVCodec) null, 0);
        if (videoIndex < 0) {
            throw new StreamException(Kind.NO_VIDEO, safeUrl + " has no video stream");
        }
        AVStream stream = format.streams(videoIndex);
        AVCodecParameters parameters = stream.codecpar();
        String codecName = avcodec_get_name(parameters.codec_id()).getString();
        AVCodec codec = avcodec_find_decoder(parameters.codec_id());
        if (codec == null) {
            throw new StreamException(
                    Kind.UNSUPPORTED_CODEC,
                    safeUrl
                            + ": no decoder for its video codec "
                            + codecName
                            + " (fourcc "
                            + fourcc(parameters.codec_tag())
                            + ")");
        }
        decoder = avcodec_alloc_context3(codec);
        avcodec_parameters_to_context(decoder, parameters);
        decoder.flags2(decoder.flags2() | AV_CODEC_FLAG2_FAST);
        // One decoding thread per camera: with many cameras, cameras are the parallelism.
        decoder.thread_count(1);
        result = avcodec_open2(decoder, codec, (AVDictionary) null);
        if (result < 0) {
            throw failure(
                    Kind.UNSUPPORTED_CODEC, "could not open its " + codecName + " decoder", result);
        }
        timeBase = av_q2d(stream.time_base());
        streamTimestamps = (format.iformat().flags() & AVFMT_NOTIMESTAMPS) == 0;
        packet = av_packet_alloc();
        frame = av_frame_alloc();
        info =
                new StreamInfo(
                        codecName,
                        parameters.width(),
                        parameters.height(),
                        format.iformat().name().getString(StandardCharsets.UTF_8));
    }

    @Override
    public StreamInfo info() {
        return info;
    }

    @Override
    public DecodedFrame grab() throws StreamException {
        while (!closed) {
            int result = avcodec_receive_frame(decoder, frame);
            if (result >= 0) {
                consecutiveErrors = 0;
                return convert();
            }
            if (result == AVERROR_EOF()) {
                return null;
            }
            if (result != AVERROR_EAGAIN()) {
                decodeError(result);
            }
            if (draining) {
                return null;
            }
            armDeadline();
            result = av_read_frame(format, packet);
            if (result == AVERROR_EOF()) {
                if (!Urls.isFile(safeUrl)) {
                    throw new StreamException(
                            Kind.READ_FAILED, safeUrl + ": the server ended the stream");
                }
                // Flush: the decoder still holds the last frames.
                avcodec_send_packet(decoder, null);
                draining = true;
                continue;
            }
            if (result < 0) {
                if (closed) {
                    return null;
                }
                if (timedOut()) {
                    throw new StreamException(
                            Kind.TIMED_OUT, safeUrl + ": no data for " + seconds());
                }
                throw failure(Kind.READ_FAILED, "reading failed", result);
            }
            try {
                if (packet.stream_index() == videoIndex) {
                    result = avcodec_send_packet(decoder, packet);
                    if (result < 0 && result != AVERROR_EAGAIN()) {
                        decodeError(result);
                    }
                }
            } finally {
                av_packet_unref(packet);
            }
        }
        return null;
    }

    private void decodeError(int result) throws StreamException {
        if (++consecutiveErrors >= MAX_CONSECUTIVE_DECODE_ERRORS) {
            throw failure(
                    Kind.READ_FAILED,
                    MAX_CONSECUTIVE_DECODE_ERRORS + " undecodable packets in a row, last",
                    result);
        }
    }

    private DecodedFrame convert() {
        long arrival = System.currentTimeMillis();
        long nowNanos = System.nanoTime();
        int width = frame.width();
        int height = frame.height();
        scaler =
                sws_getCachedContext(
                        scaler,
                        width,
                        height,
                        frame.format(),
                        width,
                        height,
                        AV_PIX_FMT_RGB24,
                        SWS_BILINEAR,
                        null,
                        null,
                        (DoublePointer) null);
        if (rgb == null || width != rgbWidth || height != rgbHeight) {
            if (rgb != null) {
                rgb.close();
            }
            rgb = new BytePointer((long) width * height * 3);
            rgbWidth = width;
            rgbHeight = height;
        }
        try (PointerPointer<BytePointer> planes = new PointerPointer<>(rgb, null, null, null);
                IntPointer strides = new IntPointer(width * 3, 0, 0, 0)) {
            sws_scale(scaler, frame.data(), frame.linesize(), 0, height, planes, strides);
        }
        byte[] data = new byte[width * height * 3];
        rgb.get(data);
        Pixels pixels = new Pixels(new ImageShape(height, width, 3), data);

        long pts = frame.best_effort_timestamp();
        boolean hasPts = streamTimestamps && pts != AV_NOPTS_VALUE();
        double seconds = hasPts ? pts * timeBase : (nowNanos - openedNanos) / 1e9;
        if (realTime && hasPts) {
            pace(seconds);
        }
        long realtimeMicros = format.start_time_realtime();
        if (hasPts && realtimeMicros != AV_NOPTS_VALUE() && !Urls.isFile(safeUrl)) {
            long capture = realtimeMicros / 1000 + Math.round(seconds * 1000);
            return new DecodedFrame(pixels, seconds, capture, CaptureClock.RTCP_NTP);
        }
        return new DecodedFrame(pixels, seconds, arrival, CaptureClock.ARRIVAL);
    }

    /** Files play at their own frame rate, as the camera they stand in for would send them. */
    private void pace(double seconds) {
        long now = System.nanoTime();
        if (Double.isNaN(firstPtsSeconds) || seconds < firstPtsSeconds) {
            firstPtsSeconds = seconds;
            firstFrameNanos = now;
            return;
        }
        long due = firstFrameNanos + (long) ((seconds - firstPtsSeconds) * 1e9);
        while (!closed && due - System.nanoTime() > 0) {
            LockSupport.parkNanos(Math.min(due - System.nanoTime(), 50_000_000L));
        }
    }

    private static String fourcc(int tag) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            char c = (char) ((tag >>> (8 * i)) & 0xff);
            out.append(c >= 32 && c < 127 ? c : '?');
        }
        return out.toString();
    }

    private boolean timedOut() {
        return System.nanoTime() - deadline >= 0;
    }

    private String seconds() {
        return String.format(java.util.Locale.ROOT, "%.1f s", timeoutNanos / 1e9);
    }

    private void armDeadline() {
        deadline = System.nanoTime() + timeoutNanos;
    }

    private StreamException failure(Kind kind, String what, int error) {
        byte[] buffer = new byte[256];
        av_strerror(error, buffer, buffer.length);
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        String reason = new String(buffer, 0, end, StandardCharsets.UTF_8);
        return new StreamException(kind, safeUrl + ": " + what + ": " + reason);
    }

    @Override
    public void interrupt() {
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (packet != null) {
                av_packet_free(packet);
                packet = null;
            }
            if (frame != null) {
                av_frame_free(frame);
                frame = null;
            }
            if (decoder != null) {
                avcodec_free_context(decoder);
                decoder = null;
            }
            if (format != null) {
                avformat_close_input(format);
                format = null;
            }
            if (scaler != null) {
                sws_freeContext(scaler);
                scaler = null;
            }
            if (rgb != null) {
                rgb.close();
                rgb = null;
            }
            OPEN.remove(id);
            opaque.close();
        }
    }

    /** Called by FFmpeg during blocking I/O: non-zero aborts it. */
    private static final class InterruptCallback extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            if (opaque == null || opaque.isNull()) {
                return 0;
            }
            FfmpegGrabber grabber = OPEN.get(new LongPointer(opaque).get());
            if (grabber == null) {
                return 1;
            }
            return grabber.closed || System.nanoTime() - grabber.deadline >= 0 ? 1 : 0;
        }
    }
}

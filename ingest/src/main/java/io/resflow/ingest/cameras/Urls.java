package io.resflow.ingest.cameras;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Camera URLs: credentials removed for anything a person or a dashboard sees. */
public final class Urls {

    private static final Pattern URL_USERINFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\\s]*@");

    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

    /** Query parameters cameras commonly carry secrets in. */
    private static final Pattern SECRET_PARAMS =
            Pattern.compile(
                    "([?&](?:password|passwd|pwd|pass|token|auth|key|secret|signature)=)[^&#]*",
                    Pattern.CASE_INSENSITIVE);

    private Urls() {}

    /**
     * The URL with its user info replaced by {@code ***} and secret-looking query values by {@code
     * ***}: {@code rtsp://admin:pw@cam/stream?token=x} gives {@code
     * rtsp://***@cam/stream?token=***}.
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        // The last '@' before the path ends the user info (passwords with a raw '@' included).
        Matcher scheme = SCHEME.matcher(url);
        String redacted = url;
        if (scheme.find()) {
            int authorityStart = scheme.end();
            int authorityEnd = authorityStart;
            while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            int at = url.lastIndexOf('@', authorityEnd - 1);
            if (at >= authorityStart) {
                redacted = url.substring(0, authorityStart) + "***" + url.substring(at);
            }
        }
        return SECRET_PARAMS.matcher(redacted).replaceAll("$1***");
    }

    /** Free text (a library's log line) with the user info of any URL in it replaced. */
    public static String redactText(String text) {
        return SECRET_PARAMS
                .matcher(URL_USERINFO.matcher(text).replaceAll("$1***@"))
                .replaceAll("$1***");
    }

    /** True when the URL names a file rather than a network stream. */
    public static boolean isFile(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("file:") || !lower.matches("^[a-z][a-z0-9+.-]*://.*");
    }

    /** The scheme in lower case ({@code rtsp}, {@code http}, ...), {@code file} for paths. */
    public static String scheme(String url) {
        if (isFile(url)) {
            return "file";
        }
        return url.substring(0, url.indexOf("://")).toLowerCase(Locale.ROOT);
    }
}

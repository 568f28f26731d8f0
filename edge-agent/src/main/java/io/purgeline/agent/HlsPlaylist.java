package io.purgeline.agent;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URLs an HLS playlist (RFC 8216) makes a player fetch: every URI line (segments, or a master playlist's variant
 * playlists), and the {@code URI} attribute of {@code EXT-X-MAP} (initialisation segments), {@code EXT-X-MEDIA}
 * (alternative renditions) and {@code EXT-X-I-FRAME-STREAM-INF}, each resolved against the playlist's own URL, in
 * order and without repeats. Keys ({@code EXT-X-KEY}) are left out: they are not cached content.
 */
final class HlsPlaylist {
    private static final Pattern URI_ATTRIBUTE = Pattern.compile("URI=\"([^\"]*)\"");

    private HlsPlaylist() {}

    static List<String> uris(String playlistUrl, String text) {
        if (!text.startsWith("#EXTM3U") && !text.startsWith("\uFEFF#EXTM3U")) {
            throw new IllegalArgumentException("not an HLS playlist: it does not start with #EXTM3U");
        }
        URI base = URI.create(playlistUrl);
        Set<String> uris = new LinkedHashSet<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (!line.startsWith("#")) {
                uris.add(resolve(base, line));
            } else if (line.startsWith("#EXT-X-MAP:") || line.startsWith("#EXT-X-MEDIA:")
                    || line.startsWith("#EXT-X-I-FRAME-STREAM-INF:")) {
                Matcher m = URI_ATTRIBUTE.matcher(line);
                if (m.find()) {
                    uris.add(resolve(base, m.group(1)));
                }
            }
        }
        return new ArrayList<>(uris);
    }

    private static String resolve(URI base, String reference) {
        try {
            return base.resolve(new URI(reference)).toString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the playlist lists '" + reference + "', which is not a URL");
        }
    }
}

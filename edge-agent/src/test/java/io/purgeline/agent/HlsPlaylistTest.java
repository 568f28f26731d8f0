package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HlsPlaylistTest {
    private static final String BASE = "https://v.example.com/show/ep1/master.m3u8?token=abc";

    @Test
    void everyUrlAPlayerFetchesIsListedResolvedAgainstThePlaylistOnce() {
        String text = """
                #EXTM3U
                #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud",NAME="en",URI="audio/en.m3u8"
                #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI="iframes.m3u8"
                #EXT-X-STREAM-INF:BANDWIDTH=800000,AUDIO="aud"
                low/index.m3u8
                #EXT-X-STREAM-INF:BANDWIDTH=2400000,AUDIO="aud"
                /show/ep1/high/index.m3u8
                #EXT-X-STREAM-INF:BANDWIDTH=5000000
                https://cdn2.example.com/ep1/uhd.m3u8
                low/index.m3u8
                """;

        assertThat(HlsPlaylist.uris(BASE, text)).containsExactly(
                "https://v.example.com/show/ep1/audio/en.m3u8",
                "https://v.example.com/show/ep1/iframes.m3u8",
                "https://v.example.com/show/ep1/low/index.m3u8",
                "https://v.example.com/show/ep1/high/index.m3u8",
                "https://cdn2.example.com/ep1/uhd.m3u8");
    }

    @Test
    void aMediaPlaylistListsItsInitSegmentAndSegmentsButNotItsKey() {
        String text = "#EXTM3U\r\n#EXT-X-KEY:METHOD=AES-128,URI=\"key.bin\"\r\n#EXT-X-MAP:URI=\"init.mp4\"\r\n"
                + "#EXTINF:4.0,\r\nseg-0.m4s?x=1\r\n\r\n#EXTINF:4.0,\r\nseg-1.m4s\r\n#EXT-X-ENDLIST\r\n";

        assertThat(HlsPlaylist.uris(BASE, text)).containsExactly(
                "https://v.example.com/show/ep1/init.mp4",
                "https://v.example.com/show/ep1/seg-0.m4s?x=1",
                "https://v.example.com/show/ep1/seg-1.m4s");
    }

    @Test
    void aBodyThatIsNotAPlaylistOrListsABadUrlIsRefusedSayingWhy() {
        assertThatThrownBy(() -> HlsPlaylist.uris(BASE, "<html>not found</html>"))
                .hasMessage("not an HLS playlist: it does not start with #EXTM3U");
        assertThatThrownBy(() -> HlsPlaylist.uris(BASE, "#EXTM3U\nseg 1.ts\n"))
                .hasMessage("the playlist lists 'seg 1.ts', which is not a URL");
    }
}

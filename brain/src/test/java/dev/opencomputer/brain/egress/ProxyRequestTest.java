package dev.opencomputer.brain.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ProxyRequestTest {

    @Test
    void aTunnelNamesItsHostAndPort() {
        ProxyRequest request = ProxyRequest.parse("CONNECT Registry.example.org:443 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(request.tunnel()).isTrue();
        assertThat(request.host()).isEqualTo("registry.example.org");
        assertThat(request.port()).isEqualTo(443);
    }

    @Test
    void aPlainRequestIsForwardedInOriginFormWithoutProxyHeadersAndClosesAfterOneExchange() {
        ProxyRequest request = ProxyRequest.parse("GET http://files.example:8080/a/b?c=1 HTTP/1.1\r\n"
                + "Host: files.example:8080\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\n"
                + "Connection: keep-alive\r\nAccept: */*\r\n\r\n");
        assertThat(request.host()).isEqualTo("files.example");
        assertThat(request.port()).isEqualTo(8080);
        assertThat(request.upstreamHead()).isEqualTo("GET /a/b?c=1 HTTP/1.1\r\nHost: files.example:8080\r\n"
                + "Accept: */*\r\nConnection: close\r\n\r\n");
        assertThat(ProxyRequest.parse("GET http://files.example HTTP/1.0\r\n\r\n").upstreamHead())
                .startsWith("GET / HTTP/1.0\r\nHost: files.example\r\n");
    }

    @Test
    void whatIsNotAProxyRequestIsRefused() {
        assertThatThrownBy(() -> ProxyRequest.parse("GET /index.html HTTP/1.1\r\n\r\n")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> ProxyRequest.parse("GET https://a.example/ HTTP/1.1\r\n\r\n"))
                .hasMessageContaining("CONNECT");
        assertThatThrownBy(() -> ProxyRequest.parse("CONNECT a.example HTTP/1.1\r\n\r\n")).hasMessageContaining("host:port");
    }
}

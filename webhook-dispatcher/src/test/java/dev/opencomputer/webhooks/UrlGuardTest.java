package dev.opencomputer.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class UrlGuardTest {

    private final UrlGuard strict = new UrlGuard(false, List.of());
    private final UrlGuard local = new UrlGuard(true, List.of("127.0.0.0/8", "::1/128"));

    @Test
    void refusesLoopbackPrivateLinkLocalMulticastAndUnspecifiedAddresses() {
        for (String url : List.of("https://127.0.0.1/", "https://10.0.0.1/", "https://172.31.255.1/",
                "https://192.168.0.10/", "https://169.254.169.254/latest/meta-data", "https://[::1]/",
                "https://[fd12:3456::1]/", "https://[fe80::1]/", "https://224.0.0.251/", "https://[ff02::1]/",
                "https://0.0.0.0/", "https://[::]/", "https://100.64.0.1/", "https://[::ffff:127.0.0.1]/",
                "https://localhost/", "https://255.255.255.255/")) {
            assertThatThrownBy(() -> strict.check(url)).as(url).isInstanceOf(UrlRejectedException.class);
        }
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedLikeTheAddress() {
        assertThatThrownBy(() -> strict.check("https://localhost:8443/hook"))
                .isInstanceOf(UrlRejectedException.class).hasMessageContaining("loopback");
    }

    @Test
    void acceptsPublicAddressesOverHttpsOnly() {
        assertThat(strict.check("https://93.184.216.34/hook").getHost()).isEqualTo("93.184.216.34");
        assertThatThrownBy(() -> strict.check("http://93.184.216.34/hook")).hasMessageContaining("https");
        assertThatThrownBy(() -> strict.check("ftp://93.184.216.34/")).isInstanceOf(UrlRejectedException.class);
        assertThatThrownBy(() -> strict.check("https://user:pw@93.184.216.34/")).hasMessageContaining("credentials");
    }

    @Test
    void theAllowListOpensOnlyWhatItNames() {
        assertThat(local.check("http://127.0.0.1:8080/hook")).isNotNull();
        assertThat(local.check("http://[::1]:8080/hook")).isNotNull();
        assertThat(local.check("http://localhost:8080/hook")).isNotNull();
        assertThatThrownBy(() -> local.check("http://10.0.0.1/")).isInstanceOf(UrlRejectedException.class);
        assertThatThrownBy(() -> local.check("http://169.254.169.254/")).isInstanceOf(UrlRejectedException.class);
    }

    @Test
    void cidrBlocksMatchByPrefix() {
        assertThat(Cidr.parse("10.0.0.0/8").contains(address("10.200.1.1"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(address("11.0.0.1"))).isFalse();
        assertThat(Cidr.parse("172.16.0.0/12").contains(address("172.31.0.1"))).isTrue();
        assertThat(Cidr.parse("172.16.0.0/12").contains(address("172.32.0.1"))).isFalse();
        assertThat(Cidr.parse("::1/128").contains(address("::1"))).isTrue();
        assertThat(Cidr.parse("::1").contains(address("127.0.0.1"))).isFalse();
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    private static java.net.InetAddress address(String literal) {
        try {
            return java.net.InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}

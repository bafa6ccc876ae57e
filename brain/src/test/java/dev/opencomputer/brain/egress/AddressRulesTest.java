package dev.opencomputer.brain.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AddressRulesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void metadataAndLinkLocalAddressesAreDeniedEvenWhereTheOperatorAllowsPrivateRanges() throws Exception {
        AddressRules rules = new AddressRules(List.of(), List.of("0.0.0.0/0", "::/0"), Set.of(), Set.of());
        assertThat(rules.refusal(ip("169.254.169.254"), 80)).get().asString().contains("deny-list");
        assertThat(rules.refusal(ip("::ffff:169.254.169.254"), 80)).get().asString().contains("deny-list");
        assertThat(rules.refusal(ip("fd00:ec2::254"), 80)).get().asString().contains("deny-list");
        assertThat(rules.refusal(ip("10.1.2.3"), 443)).isEmpty();
    }

    @Test
    void privateRangesAndThePlatformsOwnAddressesAreRefusedUnlessAllowedAndItsPortsAlways() throws Exception {
        AddressRules closed = new AddressRules(List.of("203.0.113.0/24"), List.of(), Set.of(ip("192.0.2.10")),
                Set.of(8080));
        assertThat(closed.refusal(ip("10.1.2.3"), 443)).get().asString().contains("private address");
        assertThat(closed.refusal(ip("127.0.0.1"), 443)).get().asString().contains("of the platform");
        assertThat(closed.refusal(ip("192.0.2.10"), 443)).get().asString().contains("of the platform");
        assertThat(closed.refusal(ip("203.0.113.7"), 443)).get().asString().contains("deny-list");
        assertThat(closed.refusal(ip("93.184.215.14"), 443)).isEmpty();

        AddressRules loopback = new AddressRules(List.of(), List.of("127.0.0.1/32"), Set.of(), Set.of(8080));
        assertThat(loopback.refusal(ip("127.0.0.1"), 4000)).isEmpty();
        assertThat(loopback.refusal(ip("127.0.0.1"), 8080)).get().asString().contains("the platform itself");
        assertThat(loopback.refusal(ip("127.0.0.2"), 4000)).isPresent();
    }

    @Test
    void pinnedNamesResolveToTheirAddressWithoutAskingDns() throws Exception {
        HostResolver resolver = HostResolver.system(Map.of("Metadata.Test", "169.254.169.254"));
        assertThat(resolver.resolve("metadata.test.")).singleElement()
                .satisfies(a -> assertThat(a.getHostAddress()).isEqualTo("169.254.169.254"));
    }
}

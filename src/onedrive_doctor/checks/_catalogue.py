"""The check catalogue: every check of docs/spec/checks.md, in one explicit list.

IDs, names and default severities are the contract of docs/spec/checks.md; the order is the
article's order of causes: NET, TLS, SCH, OS, CRT, EVT, INE, IDN, WHT, ODC.
"""

from __future__ import annotations

from ..model import ArticleStep, Severity
from . import crt, evt, idn, ine, net, odc, os_, sch, sch_policy, tls, wam, wht
from ._base import Check

__all__ = ["CATALOGUE"]

CATALOGUE: tuple[Check, ...] = (
    Check(
        "NET001",
        "internet-unreachable",
        Severity.ERROR,
        ArticleStep.CONNECTIVITY,
        net.internet_unreachable,
    ),
    Check("NET002", "captive-portal", Severity.ERROR, ArticleStep.CONNECTIVITY, net.captive_portal),
    Check("NET003", "dns-failure", Severity.ERROR, ArticleStep.CONNECTIVITY, net.dns_failure),
    Check(
        "NET004",
        "endpoint-unreachable",
        Severity.ERROR,
        ArticleStep.CONNECTIVITY,
        net.endpoint_unreachable,
    ),
    Check("NET005", "proxy-failure", Severity.ERROR, ArticleStep.CONNECTIVITY, net.proxy_failure),
    Check("NET006", "clock-skew", Severity.ERROR, ArticleStep.CONNECTIVITY, net.clock_skew),
    Check(
        "NET007", "proxy-mismatch", Severity.WARNING, ArticleStep.CONNECTIVITY, net.proxy_mismatch
    ),
    Check(
        "NET008",
        "ipv6-path-broken",
        Severity.ERROR,
        ArticleStep.CONNECTIVITY,
        net.ipv6_path_broken,
    ),
    Check("NET009", "dns-sinkhole", Severity.ERROR, ArticleStep.CONNECTIVITY, net.dns_sinkhole),
    Check(
        "TLS001",
        "client-offer-rejected",
        Severity.ERROR,
        ArticleStep.TLS,
        tls.client_offer_rejected,
    ),
    Check("TLS002", "tls-interception", Severity.ERROR, ArticleStep.TLS, tls.tls_interception),
    Check("TLS003", "peer-lacks-tls12", Severity.ERROR, ArticleStep.TLS, tls.peer_lacks_tls12),
    Check("TLS004", "peer-tls-policy", Severity.INFO, ArticleStep.TLS, tls.peer_tls_policy),
    Check(
        "SCH001",
        "tls12-client-disabled",
        Severity.ERROR,
        ArticleStep.TLS,
        sch.tls12_client_disabled,
    ),
    Check(
        "SCH002", "no-afd-cipher-suite", Severity.ERROR, ArticleStep.TLS, sch.no_afd_cipher_suite
    ),
    Check(
        "SCH003",
        "afd-suites-not-preferred",
        Severity.WARNING,
        ArticleStep.TLS,
        sch.afd_suites_not_preferred,
    ),
    Check(
        "SCH004",
        "cipher-order-policy-override",
        Severity.WARNING,
        ArticleStep.TLS,
        sch.cipher_order_policy_override,
    ),
    # Warning by default; the check raises it to error when no AFD-compatible suite is left.
    Check(
        "SCH005",
        "key-exchange-disabled",
        Severity.WARNING,
        ArticleStep.TLS,
        sch.key_exchange_disabled,
    ),
    Check("SCH006", "no-nist-curve", Severity.ERROR, ArticleStep.TLS, sch.no_nist_curve),
    Check(
        "SCH007",
        "tls13-client-enabled-unsupported",
        Severity.WARNING,
        ArticleStep.TLS,
        sch.tls13_client_enabled_unsupported,
    ),
    # Warning by default; the check raises it to error when no TLS 1.2 suite is left.
    Check(
        "SCH008",
        "crypto-policy-malformed",
        Severity.WARNING,
        ArticleStep.TLS,
        sch_policy.crypto_policy_malformed,
    ),
    Check(
        "OS001",
        "os-cannot-meet-afd-policy",
        Severity.ERROR,
        ArticleStep.TLS,
        os_.os_cannot_meet_afd_policy,
    ),
    Check("OS002", "os-unsupported", Severity.WARNING, ArticleStep.TLS, os_.os_unsupported),
    Check(
        "CRT001",
        "root-store-incomplete",
        Severity.ERROR,
        ArticleStep.TLS,
        crt.root_store_incomplete,
    ),
    Check(
        "EVT001",
        "schannel-errors-logged",
        Severity.WARNING,
        ArticleStep.TLS,
        evt.schannel_errors_logged,
    ),
    Check(
        "INE001",
        "internet-options-tls12-off",
        Severity.ERROR,
        ArticleStep.INTERNET_OPTIONS,
        ine.internet_options_tls12_off,
    ),
    Check(
        "IDN001",
        "hybrid-join-pending",
        Severity.ERROR,
        ArticleStep.DEVICE_JOIN,
        idn.hybrid_join_pending,
    ),
    Check(
        "IDN002",
        "device-auth-failed",
        Severity.ERROR,
        ArticleStep.DEVICE_JOIN,
        idn.device_auth_failed,
    ),
    Check("IDN003", "prt-missing", Severity.ERROR, ArticleStep.DEVICE_JOIN, idn.prt_missing),
    Check(
        "IDN004", "off-org-network", Severity.WARNING, ArticleStep.DEVICE_JOIN, idn.off_org_network
    ),
    Check(
        "IDN005",
        "device-registration-unreachable",
        Severity.ERROR,
        ArticleStep.DEVICE_JOIN,
        idn.device_registration_unreachable,
    ),
    # Issue 13: the Web Account Manager broker and the Office switches that bypass it.
    Check(
        "IDN006",
        "wam-broker-unhealthy",
        Severity.ERROR,
        ArticleStep.DEVICE_JOIN,
        wam.wam_broker_unhealthy,
    ),
    Check(
        "IDN007",
        "wam-disabled-by-policy",
        Severity.WARNING,
        ArticleStep.DEVICE_JOIN,
        wam.wam_disabled_by_policy,
    ),
    Check(
        "EVT002",
        "aad-errors-logged",
        Severity.WARNING,
        ArticleStep.DEVICE_JOIN,
        evt.aad_errors_logged,
    ),
    Check(
        "WHT001",
        "winhttp-tls12-not-default",
        Severity.ERROR,
        ArticleStep.WINHTTP,
        wht.winhttp_tls12_not_default,
    ),
    Check(
        "WHT002", "kb3140245-missing", Severity.ERROR, ArticleStep.WINHTTP, wht.kb3140245_missing
    ),
    Check(
        "ODC001",
        "onedrive-not-found",
        Severity.WARNING,
        ArticleStep.RESET_ONEDRIVE,
        odc.onedrive_not_found,
    ),
    Check(
        "ODC002",
        "onedrive-reset-advised",
        Severity.INFO,
        ArticleStep.RESET_ONEDRIVE,
        odc.onedrive_reset_advised,
    ),
    Check(
        "ODC003",
        "oneauth-unrecoverable",
        Severity.ERROR,
        ArticleStep.RESET_ONEDRIVE,
        odc.oneauth_unrecoverable,
    ),
)

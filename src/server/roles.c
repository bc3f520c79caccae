/*
 * roles.c - the roles people and business systems hold, and what each may
 * do. Least privilege: a role gets only the permissions its job needs; the
 * audit administrator reads audit records and changes nothing; only the
 * system administrator crosses organisations. Never grant by role name in
 * handlers: routes declare a permission and this table decides.
 */
#include <string.h>

#include "server_internal.h"

static const struct {
	const char *name;
	uint32_t perms;
} roles[SRV_ROLE_COUNT] = {
	[SRV_ROLE_NONE] = { "none", 0 },
	[SRV_ROLE_SYSTEM_ADMIN] = { "system_admin",
		SRV_P_SELF | SRV_P_PASSWORD | SRV_P_USER_READ | SRV_P_USER_MANAGE |
		SRV_P_APIKEY_MANAGE | SRV_P_ORG_MANAGE | SRV_P_SEAL_READ },
	[SRV_ROLE_BUSINESS_ADMIN] = { "business_admin",
		SRV_P_SELF | SRV_P_PASSWORD | SRV_P_USER_READ | SRV_P_USER_MANAGE |
		SRV_P_APIKEY_MANAGE | SRV_P_SEAL_READ | SRV_P_SEAL_MAKE },
	[SRV_ROLE_REVIEWER] = { "reviewer",
		SRV_P_SELF | SRV_P_PASSWORD | SRV_P_SEAL_READ | SRV_P_SEAL_REVIEW | SRV_P_SIGN_REVIEW },
	[SRV_ROLE_SEAL_KEEPER] = { "seal_keeper",
		SRV_P_SELF | SRV_P_PASSWORD | SRV_P_SEAL_READ | SRV_P_SEAL_KEEP | SRV_P_SIGN_EXECUTE },
	[SRV_ROLE_APPLICANT] = { "applicant",
		SRV_P_SELF | SRV_P_PASSWORD | SRV_P_SEAL_READ | SRV_P_SEAL_APPLY | SRV_P_SIGN_APPLY |
		SRV_P_VERIFY },
	[SRV_ROLE_AUDIT_ADMIN] = { "audit_admin", SRV_P_SELF | SRV_P_PASSWORD | SRV_P_AUDIT_READ },
	[SRV_ROLE_API_CLIENT] = { "api_client",
		SRV_P_SELF | SRV_P_SEAL_READ | SRV_P_SIGN_APPLY | SRV_P_VERIFY },
};

const char *srv_role_name(int role)
{
	return role > 0 && role < SRV_ROLE_COUNT ? roles[role].name : "none";
}

int srv_role_from_name(const char *name)
{
	for (int i = 1; name && i < SRV_ROLE_COUNT; i++)
		if (!strcmp(roles[i].name, name))
			return i;
	return SRV_ROLE_NONE;
}

uint32_t srv_role_perms(int role)
{
	return role > 0 && role < SRV_ROLE_COUNT ? roles[role].perms : 0;
}

const char *srv_perm_name(uint32_t perm)
{
	static const char *names[] = {
		"self", "password", "user.read", "user.manage", "apikey.manage", "org.manage",
		"seal.read", "seal.apply", "seal.review", "seal.make", "seal.keep", "sign.apply",
		"sign.review", "sign.execute", "audit.read", "verify",
	};
	if (perm == 0)
		return "public";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (perm == (1u << i))
			return names[i];
	return "unknown";
}

int srv_org_allowed(const srv_principal *p, const char *org)
{
	if (p->kind == SRV_AUTH_NONE || !org)
		return 0;
	if (p->role == SRV_ROLE_SYSTEM_ADMIN)
		return 1;
	return p->org[0] && !strcmp(p->org, org);
}

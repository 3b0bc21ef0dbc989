CREATE TABLE "account_keys" (
	"account_id" bigint NOT NULL,
	"type" text NOT NULL,
	"public_key_jwk" jsonb NOT NULL,
	"private_key_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"domain" text,
	"uri" text NOT NULL,
	"url" text,
	"inbox_url" text,
	"shared_inbox_url" text,
	"followers_url" text,
	"display_name" text DEFAULT '' NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"note_source" text DEFAULT '' NOT NULL,
	"fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"avatar_url" text,
	"header_url" text,
	"locked" boolean DEFAULT true NOT NULL,
	"bot" boolean DEFAULT false NOT NULL,
	"discoverable" boolean DEFAULT false NOT NULL,
	"indexable" boolean DEFAULT false NOT NULL,
	"statuses_count" integer DEFAULT 0 NOT NULL,
	"followers_count" integer DEFAULT 0 NOT NULL,
	"following_count" integer DEFAULT 0 NOT NULL,
	"last_status_at" timestamp with time zone,
	"suspended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"email" text,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'user' NOT NULL,
	"approved" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"reason" text,
	"locale" text DEFAULT 'en' NOT NULL,
	"default_visibility" text DEFAULT 'private' NOT NULL,
	"default_sensitive" boolean DEFAULT false NOT NULL,
	"default_language" text,
	"expand_spoilers" boolean DEFAULT false NOT NULL,
	"privacy" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access_tokens" (
	"id" bigint PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"refresh_token_hash" text,
	"app_id" bigint,
	"account_id" bigint,
	"scopes" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"narrow_no_direct" boolean DEFAULT false NOT NULL,
	"narrow_no_others_private" boolean DEFAULT false NOT NULL,
	"grant_expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "apps" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"website" text,
	"redirect_uris" text NOT NULL,
	"scopes" text NOT NULL,
	"client_id" text NOT NULL,
	"client_secret_hash" text NOT NULL,
	"owner_account_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "authorization_codes" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"app_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	"scopes" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"code_challenge" text,
	"code_challenge_method" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"narrow_no_direct" boolean DEFAULT false NOT NULL,
	"narrow_no_others_private" boolean DEFAULT false NOT NULL,
	"grant_ttl_days" integer,
	"token_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bookmarks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "favourites" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"account_id" bigint NOT NULL,
	"key" text NOT NULL,
	"status_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_account_id_key_pk" PRIMARY KEY("account_id","key")
);
--> statement-breakpoint
CREATE TABLE "mentions" (
	"status_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	CONSTRAINT "mentions_status_id_account_id_pk" PRIMARY KEY("status_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "pins" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_edits" (
	"id" bigint PRIMARY KEY NOT NULL,
	"status_id" bigint NOT NULL,
	"content" text NOT NULL,
	"text" text NOT NULL,
	"spoiler_text" text NOT NULL,
	"sensitive" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_tags" (
	"status_id" bigint NOT NULL,
	"tag_id" bigint NOT NULL,
	CONSTRAINT "status_tags_status_id_tag_id_pk" PRIMARY KEY("status_id","tag_id")
);
--> statement-breakpoint
CREATE TABLE "statuses" (
	"id" bigint PRIMARY KEY NOT NULL,
	"uri" text NOT NULL,
	"url" text,
	"account_id" bigint NOT NULL,
	"in_reply_to_id" bigint,
	"in_reply_to_account_id" bigint,
	"reblog_of_id" bigint,
	"content" text DEFAULT '' NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"spoiler_text" text DEFAULT '' NOT NULL,
	"sensitive" boolean DEFAULT false NOT NULL,
	"language" text,
	"audience" text NOT NULL,
	"local_only" boolean DEFAULT false NOT NULL,
	"application_id" bigint,
	"circle_id" bigint,
	"replies_count" integer DEFAULT 0 NOT NULL,
	"reblogs_count" integer DEFAULT 0 NOT NULL,
	"favourites_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"edited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_notes" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"comment" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blocks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uri" text
);
--> statement-breakpoint
CREATE TABLE "follow_requests" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uri" text,
	"show_reblogs" boolean DEFAULT true NOT NULL,
	"notify" boolean DEFAULT false NOT NULL,
	"languages" text[]
);
--> statement-breakpoint
CREATE TABLE "follows" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uri" text,
	"show_reblogs" boolean DEFAULT true NOT NULL,
	"notify" boolean DEFAULT false NOT NULL,
	"languages" text[]
);
--> statement-breakpoint
CREATE TABLE "mutes" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"target_account_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"hide_notifications" boolean DEFAULT true NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "home_feed" (
	"account_id" bigint NOT NULL,
	"status_id" bigint NOT NULL,
	CONSTRAINT "home_feed_account_id_status_id_pk" PRIMARY KEY("account_id","status_id")
);
--> statement-breakpoint
CREATE TABLE "list_accounts" (
	"list_id" bigint NOT NULL,
	"account_id" bigint NOT NULL,
	CONSTRAINT "list_accounts_list_id_account_id_pk" PRIMARY KEY("list_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "lists" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"title" text NOT NULL,
	"replies_policy" text DEFAULT 'list' NOT NULL,
	"exclusive" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "markers" (
	"account_id" bigint NOT NULL,
	"timeline" text NOT NULL,
	"last_read_id" text NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "markers_account_id_timeline_pk" PRIMARY KEY("account_id","timeline")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"from_account_id" bigint NOT NULL,
	"type" text NOT NULL,
	"status_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filter_keywords" (
	"id" bigint PRIMARY KEY NOT NULL,
	"filter_id" bigint NOT NULL,
	"keyword" text NOT NULL,
	"whole_word" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filter_statuses" (
	"id" bigint PRIMARY KEY NOT NULL,
	"filter_id" bigint NOT NULL,
	"status_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "filters" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"title" text NOT NULL,
	"context" text[] NOT NULL,
	"action" text DEFAULT 'warn' NOT NULL,
	"expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "circle_members" (
	"circle_id" bigint NOT NULL,
	"domain" text NOT NULL,
	CONSTRAINT "circle_members_circle_id_domain_pk" PRIMARY KEY("circle_id","domain")
);
--> statement-breakpoint
CREATE TABLE "circles" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"source_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "custom_emojis" (
	"id" bigint PRIMARY KEY NOT NULL,
	"shortcode" text NOT NULL,
	"domain" text,
	"url" text NOT NULL,
	"static_url" text NOT NULL,
	"visible_in_picker" boolean DEFAULT true NOT NULL,
	"category" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fedify_kv" (
	"key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"value" json NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "fedify_queue" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "fedify_queue_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue" text DEFAULT 'default' NOT NULL,
	"message" json NOT NULL,
	"ordering_key" text,
	"deliver_after" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"locked_by" text,
	"last_error" text,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blocklist_entries" (
	"id" bigint PRIMARY KEY NOT NULL,
	"subscription_id" bigint NOT NULL,
	"domain" text,
	"digest" text NOT NULL,
	"severity" text NOT NULL,
	"reject_media" boolean DEFAULT false NOT NULL,
	"reject_reports" boolean DEFAULT false NOT NULL,
	"public_comment" text,
	"state" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blocklist_subscriptions" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"format" text DEFAULT 'auto' NOT NULL,
	"priority" integer DEFAULT 100 NOT NULL,
	"severity_cap" text DEFAULT 'suspend' NOT NULL,
	"excluded_domains" text[] DEFAULT '{}'::text[] NOT NULL,
	"review_new_entries" boolean DEFAULT false NOT NULL,
	"refresh_hours" integer DEFAULT 24 NOT NULL,
	"circle_id" bigint,
	"enabled" boolean DEFAULT true NOT NULL,
	"etag" text,
	"last_fetched_at" timestamp with time zone,
	"last_status" text,
	"last_report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "circle_rules" (
	"id" bigint PRIMARY KEY NOT NULL,
	"circle_id" bigint NOT NULL,
	"domain" text NOT NULL,
	"severity" text NOT NULL,
	"reject_media" boolean DEFAULT false NOT NULL,
	"reject_reports" boolean DEFAULT false NOT NULL,
	"public_comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "domain_allows" (
	"id" bigint PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "domain_blocks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"severity" text NOT NULL,
	"reject_media" boolean DEFAULT false NOT NULL,
	"reject_reports" boolean DEFAULT false NOT NULL,
	"followers_only" boolean DEFAULT false NOT NULL,
	"private_comment" text,
	"public_comment" text,
	"obfuscate" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "held_activities" (
	"id" bigint PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"activity_id" text,
	"activity_type" text NOT NULL,
	"activity" jsonb NOT NULL,
	"inbox_account_id" bigint,
	"local_targets" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "list_suspensions" (
	"domain" text PRIMARY KEY NOT NULL,
	"stamp" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relays" (
	"id" bigint PRIMARY KEY NOT NULL,
	"inbox_url" text NOT NULL,
	"actor_uri" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"follow_activity_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_reviews" (
	"domain" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"introduction" text,
	"introduction_contact" text,
	"introduction_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "server_scans" (
	"domain" text PRIMARY KEY NOT NULL,
	"verdict" text DEFAULT 'unknown' NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published_blocks" jsonb,
	"published_policy" jsonb,
	"scanned_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "transitive_overrides" (
	"domain" text PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_failures" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivery_failures_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"activity_id" text,
	"activity_type" text NOT NULL,
	"inbox" text NOT NULL,
	"actor_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"reason" text NOT NULL,
	"status_code" integer,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "account_moves" (
	"account_id" bigint PRIMARY KEY NOT NULL,
	"moved_to_uri" text NOT NULL,
	"moved_to_account_id" bigint,
	"uri" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" bigint PRIMARY KEY NOT NULL,
	"uri" text,
	"account_id" bigint,
	"target_account_id" bigint NOT NULL,
	"status_ids" text[] DEFAULT '{}' NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"action_taken_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_attachments" (
	"id" bigint PRIMARY KEY NOT NULL,
	"status_id" bigint,
	"account_id" bigint NOT NULL,
	"type" text NOT NULL,
	"content_type" text,
	"remote_url" text,
	"url" text,
	"preview_url" text,
	"description" text,
	"blurhash" text,
	"meta" jsonb,
	"storage_key" text,
	"usage" text DEFAULT 'attachment' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app_rules" (
	"id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"action" text NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "terms_versions" (
	"id" bigint PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"text" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_agreements" (
	"account_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"version_id" bigint,
	"agreed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_agreements_account_id_kind_pk" PRIMARY KEY("account_id","kind")
);
--> statement-breakpoint
CREATE TABLE "ip_blocklist_entries" (
	"id" bigint PRIMARY KEY NOT NULL,
	"subscription_id" bigint NOT NULL,
	"range" text NOT NULL,
	"severity" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ip_blocklist_subscriptions" (
	"id" bigint PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"source" text NOT NULL,
	"default_severity" text DEFAULT 'sign_up_block' NOT NULL,
	"severity_cap" text DEFAULT 'no_access' NOT NULL,
	"review_new_entries" boolean DEFAULT false NOT NULL,
	"max_entries" integer DEFAULT 10000 NOT NULL,
	"refresh_hours" integer DEFAULT 24 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_fetched_at" timestamp with time zone,
	"last_status" text,
	"last_report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ip_blocks" (
	"id" bigint PRIMARY KEY NOT NULL,
	"range" text NOT NULL,
	"severity" text NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"expires_at" timestamp with time zone,
	"subscription_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_counters" (
	"rule" text NOT NULL,
	"subject" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"window_end" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limit_counters_rule_subject_window_start_pk" PRIMARY KEY("rule","subject","window_start")
);
--> statement-breakpoint
CREATE TABLE "account_tombstones" (
	"username" text PRIMARY KEY NOT NULL,
	"uri" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_ins" (
	"id" bigint PRIMARY KEY NOT NULL,
	"account_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"method" text NOT NULL,
	"app_id" bigint,
	"ip" text,
	"user_agent" text,
	"device" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "preview_cards" (
	"id" bigint PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"provider_name" text DEFAULT '' NOT NULL,
	"author_name" text DEFAULT '' NOT NULL,
	"image_url" text,
	"width" integer DEFAULT 0 NOT NULL,
	"height" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "server_addresses" (
	"domain" text NOT NULL,
	"address" text NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "server_addresses_domain_address_pk" PRIMARY KEY("domain","address")
);
--> statement-breakpoint
CREATE TABLE "status_preview_cards" (
	"status_id" bigint PRIMARY KEY NOT NULL,
	"card_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "access_records" (
	"at" timestamp with time zone NOT NULL,
	"ip" text,
	"token_id" bigint,
	"account_id" bigint,
	"server" text,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"cursor" text
);
--> statement-breakpoint
CREATE TABLE "detection_alerts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"key_kind" text NOT NULL,
	"key_value" text NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"evidence" jsonb NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"responses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "throttled_clients" (
	"key" text PRIMARY KEY NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"alert_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "account_keys" ADD CONSTRAINT "account_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "access_tokens" ADD CONSTRAINT "access_tokens_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "apps" ADD CONSTRAINT "apps_owner_account_id_accounts_id_fk" FOREIGN KEY ("owner_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_codes" ADD CONSTRAINT "authorization_codes_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "authorization_codes" ADD CONSTRAINT "authorization_codes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_sessions" ADD CONSTRAINT "web_sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookmarks" ADD CONSTRAINT "bookmarks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookmarks" ADD CONSTRAINT "bookmarks_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "favourites" ADD CONSTRAINT "favourites_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "favourites" ADD CONSTRAINT "favourites_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pins" ADD CONSTRAINT "pins_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pins" ADD CONSTRAINT "pins_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_edits" ADD CONSTRAINT "status_edits_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_tags" ADD CONSTRAINT "status_tags_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_tags" ADD CONSTRAINT "status_tags_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statuses" ADD CONSTRAINT "statuses_circle_id_circles_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."circles"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_notes" ADD CONSTRAINT "account_notes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_notes" ADD CONSTRAINT "account_notes_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blocks" ADD CONSTRAINT "blocks_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_requests" ADD CONSTRAINT "follow_requests_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_requests" ADD CONSTRAINT "follow_requests_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follows" ADD CONSTRAINT "follows_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mutes" ADD CONSTRAINT "mutes_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mutes" ADD CONSTRAINT "mutes_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_feed" ADD CONSTRAINT "home_feed_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "home_feed" ADD CONSTRAINT "home_feed_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_accounts" ADD CONSTRAINT "list_accounts_list_id_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "list_accounts" ADD CONSTRAINT "list_accounts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lists" ADD CONSTRAINT "lists_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "markers" ADD CONSTRAINT "markers_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_from_account_id_accounts_id_fk" FOREIGN KEY ("from_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_keywords" ADD CONSTRAINT "filter_keywords_filter_id_filters_id_fk" FOREIGN KEY ("filter_id") REFERENCES "public"."filters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_statuses" ADD CONSTRAINT "filter_statuses_filter_id_filters_id_fk" FOREIGN KEY ("filter_id") REFERENCES "public"."filters"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filter_statuses" ADD CONSTRAINT "filter_statuses_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filters" ADD CONSTRAINT "filters_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "circle_members" ADD CONSTRAINT "circle_members_circle_id_circles_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."circles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blocklist_entries" ADD CONSTRAINT "blocklist_entries_subscription_id_blocklist_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."blocklist_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_moves" ADD CONSTRAINT "account_moves_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_moves" ADD CONSTRAINT "account_moves_moved_to_account_id_accounts_id_fk" FOREIGN KEY ("moved_to_account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_target_account_id_accounts_id_fk" FOREIGN KEY ("target_account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_attachments" ADD CONSTRAINT "media_attachments_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_agreements" ADD CONSTRAINT "user_agreements_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ip_blocklist_entries" ADD CONSTRAINT "ip_blocklist_entries_subscription_id_ip_blocklist_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."ip_blocklist_subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ins" ADD CONSTRAINT "sign_ins_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_ins" ADD CONSTRAINT "sign_ins_app_id_apps_id_fk" FOREIGN KEY ("app_id") REFERENCES "public"."apps"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_preview_cards" ADD CONSTRAINT "status_preview_cards_status_id_statuses_id_fk" FOREIGN KEY ("status_id") REFERENCES "public"."statuses"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_preview_cards" ADD CONSTRAINT "status_preview_cards_card_id_preview_cards_id_fk" FOREIGN KEY ("card_id") REFERENCES "public"."preview_cards"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "account_keys_account_type_idx" ON "account_keys" USING btree ("account_id","type");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_uri_idx" ON "accounts" USING btree ("uri");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_username_domain_idx" ON "accounts" USING btree (lower("username"),coalesce(lower("domain"), ''));--> statement-breakpoint
CREATE INDEX "accounts_domain_idx" ON "accounts" USING btree ("domain");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_idx" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "access_tokens_token_hash_idx" ON "access_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "access_tokens_refresh_hash_idx" ON "access_tokens" USING btree ("refresh_token_hash");--> statement-breakpoint
CREATE INDEX "access_tokens_account_idx" ON "access_tokens" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "access_tokens_app_idx" ON "access_tokens" USING btree ("app_id");--> statement-breakpoint
CREATE UNIQUE INDEX "apps_client_id_idx" ON "apps" USING btree ("client_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bookmarks_pair_idx" ON "bookmarks" USING btree ("account_id","status_id");--> statement-breakpoint
CREATE INDEX "bookmarks_status_idx" ON "bookmarks" USING btree ("status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "favourites_pair_idx" ON "favourites" USING btree ("account_id","status_id");--> statement-breakpoint
CREATE INDEX "favourites_status_idx" ON "favourites" USING btree ("status_id");--> statement-breakpoint
CREATE INDEX "mentions_account_idx" ON "mentions" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "pins_pair_idx" ON "pins" USING btree ("account_id","status_id");--> statement-breakpoint
CREATE INDEX "pins_status_idx" ON "pins" USING btree ("status_id");--> statement-breakpoint
CREATE INDEX "status_edits_status_idx" ON "status_edits" USING btree ("status_id","id");--> statement-breakpoint
CREATE INDEX "status_tags_tag_idx" ON "status_tags" USING btree ("tag_id","status_id");--> statement-breakpoint
CREATE UNIQUE INDEX "statuses_uri_idx" ON "statuses" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "statuses_account_idx" ON "statuses" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "statuses_reply_idx" ON "statuses" USING btree ("in_reply_to_id");--> statement-breakpoint
CREATE INDEX "statuses_reblog_idx" ON "statuses" USING btree ("reblog_of_id");--> statement-breakpoint
CREATE UNIQUE INDEX "statuses_one_reblog_idx" ON "statuses" USING btree ("account_id","reblog_of_id") WHERE "statuses"."reblog_of_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "tags_name_idx" ON "tags" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "account_notes_pair_idx" ON "account_notes" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "blocks_pair_idx" ON "blocks" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "blocks_target_idx" ON "blocks" USING btree ("target_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "follow_requests_pair_idx" ON "follow_requests" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "follow_requests_target_idx" ON "follow_requests" USING btree ("target_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "follows_pair_idx" ON "follows" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "follows_target_idx" ON "follows" USING btree ("target_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "mutes_pair_idx" ON "mutes" USING btree ("account_id","target_account_id");--> statement-breakpoint
CREATE INDEX "home_feed_status_idx" ON "home_feed" USING btree ("status_id");--> statement-breakpoint
CREATE INDEX "list_accounts_account_idx" ON "list_accounts" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "lists_account_idx" ON "lists" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "notifications_account_idx" ON "notifications" USING btree ("account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_idx" ON "notifications" USING btree ("account_id","from_account_id","type","status_id");--> statement-breakpoint
CREATE INDEX "filter_keywords_filter_idx" ON "filter_keywords" USING btree ("filter_id");--> statement-breakpoint
CREATE INDEX "filter_statuses_filter_idx" ON "filter_statuses" USING btree ("filter_id");--> statement-breakpoint
CREATE INDEX "filters_account_idx" ON "filters" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "circles_name_idx" ON "circles" USING btree ("name");--> statement-breakpoint
CREATE UNIQUE INDEX "custom_emojis_shortcode_domain_idx" ON "custom_emojis" USING btree ("shortcode","domain");--> statement-breakpoint
CREATE INDEX "fedify_kv_expires_idx" ON "fedify_kv" USING btree ("expires_at") WHERE "fedify_kv"."expires_at" is not null;--> statement-breakpoint
CREATE INDEX "fedify_queue_ready_idx" ON "fedify_queue" USING btree ("queue","deliver_after","id") WHERE "fedify_queue"."failed_at" is null;--> statement-breakpoint
CREATE INDEX "fedify_queue_ordering_idx" ON "fedify_queue" USING btree ("queue","ordering_key","id") WHERE "fedify_queue"."ordering_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "blocklist_entries_sub_digest_idx" ON "blocklist_entries" USING btree ("subscription_id","digest");--> statement-breakpoint
CREATE INDEX "blocklist_entries_digest_idx" ON "blocklist_entries" USING btree ("digest");--> statement-breakpoint
CREATE UNIQUE INDEX "blocklist_subscriptions_source_idx" ON "blocklist_subscriptions" USING btree ("source");--> statement-breakpoint
CREATE UNIQUE INDEX "circle_rules_circle_domain_idx" ON "circle_rules" USING btree ("circle_id","domain");--> statement-breakpoint
CREATE UNIQUE INDEX "domain_allows_domain_idx" ON "domain_allows" USING btree ("domain");--> statement-breakpoint
CREATE UNIQUE INDEX "domain_blocks_domain_idx" ON "domain_blocks" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "held_activities_domain_idx" ON "held_activities" USING btree ("domain","id");--> statement-breakpoint
CREATE UNIQUE INDEX "held_activities_activity_idx" ON "held_activities" USING btree ("activity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "relays_inbox_idx" ON "relays" USING btree ("inbox_url");--> statement-breakpoint
CREATE INDEX "delivery_failures_created_idx" ON "delivery_failures" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "delivery_failures_inbox_idx" ON "delivery_failures" USING btree ("inbox");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_uri_idx" ON "reports" USING btree ("uri");--> statement-breakpoint
CREATE INDEX "reports_target_idx" ON "reports" USING btree ("target_account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "media_attachments_storage_key_idx" ON "media_attachments" USING btree ("storage_key");--> statement-breakpoint
CREATE INDEX "media_attachments_status_idx" ON "media_attachments" USING btree ("status_id","position");--> statement-breakpoint
CREATE INDEX "media_attachments_unattached_idx" ON "media_attachments" USING btree ("account_id","created_at") WHERE "media_attachments"."status_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "app_rules_kind_value_idx" ON "app_rules" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "terms_versions_kind_idx" ON "terms_versions" USING btree ("kind","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ip_blocklist_entries_sub_range_idx" ON "ip_blocklist_entries" USING btree ("subscription_id","range");--> statement-breakpoint
CREATE UNIQUE INDEX "ip_blocklist_subscriptions_source_idx" ON "ip_blocklist_subscriptions" USING btree ("source");--> statement-breakpoint
CREATE UNIQUE INDEX "ip_blocks_range_idx" ON "ip_blocks" USING btree ("range");--> statement-breakpoint
CREATE INDEX "rate_limit_counters_end_idx" ON "rate_limit_counters" USING btree ("window_end");--> statement-breakpoint
CREATE INDEX "sign_ins_account_at_idx" ON "sign_ins" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "sign_ins_at_idx" ON "sign_ins" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "preview_cards_url_idx" ON "preview_cards" USING btree ("url");--> statement-breakpoint
CREATE INDEX "server_addresses_seen_idx" ON "server_addresses" USING btree ("domain","last_seen_at");--> statement-breakpoint
CREATE INDEX "access_records_ip_idx" ON "access_records" USING btree ("ip","at") WHERE "access_records"."ip" is not null;--> statement-breakpoint
CREATE INDEX "access_records_token_idx" ON "access_records" USING btree ("token_id","at") WHERE "access_records"."token_id" is not null;--> statement-breakpoint
CREATE INDEX "access_records_account_idx" ON "access_records" USING btree ("account_id","at") WHERE "access_records"."account_id" is not null;--> statement-breakpoint
CREATE INDEX "access_records_server_idx" ON "access_records" USING btree ("server","at") WHERE "access_records"."server" is not null;--> statement-breakpoint
CREATE INDEX "access_records_kind_target_idx" ON "access_records" USING btree ("kind","target","at");--> statement-breakpoint
CREATE INDEX "access_records_at_idx" ON "access_records" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "detection_alerts_open_idx" ON "detection_alerts" USING btree ("rule","key_kind","key_value") WHERE "detection_alerts"."state" = 'open';--> statement-breakpoint
CREATE INDEX "detection_alerts_last_seen_idx" ON "detection_alerts" USING btree ("last_seen_at");
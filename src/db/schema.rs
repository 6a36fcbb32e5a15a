//! The one hand-kept table list for both backends. Keep it in step with
//! `migrations/{sqlite,postgres}`; do not regenerate it with
//! `diesel print-schema` (SQLite ids would come out as `Integer`).

diesel::table! {
    units (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        path -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vendors (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        badge -> Text,
        name -> Text,
        unit_id -> BigInt,
        role -> Text,
        vendor_id -> Nullable<BigInt>,
        password_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        must_change_password -> Bool,
    }
}

diesel::table! {
    login_throttle (badge) {
        badge -> Text,
        failures -> Integer,
        locked_until -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    auth_sessions (id) {
        id -> Text,
        user_id -> BigInt,
        device -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        session_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        spent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        unit_id -> Nullable<BigInt>,
        device -> Nullable<Text>,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
        mac_key -> Nullable<Text>,
    }
}

diesel::joinable!(users -> units (unit_id));
diesel::joinable!(users -> vendors (vendor_id));
diesel::joinable!(auth_sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> auth_sessions (session_id));

diesel::table! {
    box_code_keys (version) {
        version -> Integer,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    patrol_boxes (id) {
        id -> BigInt,
        code -> Text,
        unit_id -> BigInt,
        name -> Text,
        address -> Text,
        lat -> Double,
        lon -> Double,
        radius_m -> Double,
        min_dwell_secs -> Nullable<Integer>,
        code_serial -> Integer,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    patrol_plans (id) {
        id -> BigInt,
        unit_id -> BigInt,
        name -> Text,
        starts_on -> Date,
        ends_on -> Date,
        weekdays -> Integer,
        window_start_min -> Integer,
        window_end_min -> Integer,
        visits_per_window -> Integer,
        ordered -> Bool,
        grace_minutes -> Integer,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    patrol_plan_officers (plan_id, user_id) {
        plan_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    patrol_plan_boxes (plan_id, box_id) {
        plan_id -> BigInt,
        box_id -> BigInt,
        position -> Integer,
    }
}

diesel::table! {
    checkins (id) {
        id -> BigInt,
        client_id -> Text,
        officer_id -> BigInt,
        box_id -> BigInt,
        unit_id -> BigInt,
        kind -> Text,
        occurred_at -> Timestamp,
        time_source -> Text,
        device_time -> Timestamp,
        received_at -> Timestamp,
        lat -> Double,
        lon -> Double,
        accuracy_m -> Double,
        distance_m -> Double,
        mock_location -> Bool,
        status -> Text,
        flags -> Text,
        plan_id -> Nullable<BigInt>,
        device -> Nullable<Text>,
        request_fingerprint -> Nullable<Text>,
        clock_offset_ms -> Nullable<BigInt>,
    }
}

diesel::table! {
    checkin_reviews (id) {
        id -> BigInt,
        checkin_id -> BigInt,
        reviewer_id -> BigInt,
        decision -> Text,
        note -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    violation_articles (id) {
        id -> BigInt,
        code -> Text,
        article -> Text,
        description -> Text,
        major -> Nullable<Text>,
        ticket_kinds -> Text,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        created_at -> Timestamp,
        amendment -> Text,
        status -> Text,
        cites -> Text,
        note -> Nullable<Text>,
        repeat_group -> Nullable<Text>,
        speed_from -> Nullable<Integer>,
        speed_to -> Nullable<Integer>,
    }
}

diesel::table! {
    violation_fines (article_id, vehicle_class) {
        article_id -> BigInt,
        vehicle_class -> Text,
        min_fine -> Integer,
        max_fine -> Integer,
        schedule -> Nullable<Text>,
    }
}

diesel::table! {
    legal_rules (key, effective_from) {
        key -> Text,
        value -> Integer,
        basis -> Text,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        created_at -> Timestamp,
        status -> Text,
        cites -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    citizen_report_lists (effective_from) {
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        amendment -> Text,
        cites -> Text,
        codes -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    catalog_editions (id) {
        id -> BigInt,
        edition -> Text,
        note -> Text,
        sources -> Text,
        notices -> Text,
        loaded_at -> Timestamp,
    }
}

diesel::table! {
    ticket_serial_counter (id) {
        id -> Integer,
        next_serial -> BigInt,
    }
}

diesel::table! {
    ticket_number_blocks (id) {
        id -> BigInt,
        officer_id -> BigInt,
        device -> Text,
        first_serial -> BigInt,
        last_serial -> BigInt,
        allotted_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> BigInt,
        number -> Text,
        serial -> BigInt,
        version -> Integer,
        supersedes_id -> Nullable<BigInt>,
        error_type -> Nullable<Text>,
        client_id -> Text,
        kind -> Text,
        unit_id -> BigInt,
        officer_id -> BigInt,
        device -> Nullable<Text>,
        violation_at -> Timestamp,
        reported_at -> Nullable<Timestamp>,
        place -> Text,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        plate -> Text,
        vehicle_class -> Text,
        article_code -> Text,
        article_text -> Text,
        facts -> Text,
        fine -> Integer,
        due_date -> Date,
        respond_to -> Text,
        signature -> Text,
        signature_reason -> Nullable<Text>,
        warnings_acknowledged -> Text,
        issued_at -> Timestamp,
        request_fingerprint -> Nullable<Text>,
    }
}

diesel::table! {
    ticket_notices (ticket_id) {
        ticket_id -> BigInt,
        recipient -> Text,
        handed_over_at -> Nullable<Timestamp>,
        speed_limit -> Nullable<Integer>,
        measured_speed -> Nullable<Integer>,
        crash -> Bool,
        appraisal_concluded_on -> Nullable<Date>,
    }
}

diesel::table! {
    ticket_people (ticket_id, role) {
        ticket_id -> BigInt,
        role -> Text,
        name -> Text,
        sex -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        national_id -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    ticket_events (id) {
        id -> BigInt,
        ticket_id -> BigInt,
        event -> Text,
        reason -> Text,
        actor_id -> Nullable<BigInt>,
        at -> Timestamp,
    }
}

diesel::joinable!(tickets -> units (unit_id));
diesel::joinable!(ticket_people -> tickets (ticket_id));
diesel::joinable!(ticket_notices -> tickets (ticket_id));
diesel::joinable!(ticket_events -> tickets (ticket_id));
diesel::joinable!(violation_fines -> violation_articles (article_id));
diesel::joinable!(checkin_reviews -> checkins (checkin_id));
diesel::joinable!(patrol_boxes -> units (unit_id));
diesel::joinable!(patrol_plans -> units (unit_id));
diesel::joinable!(patrol_plan_officers -> patrol_plans (plan_id));
diesel::joinable!(patrol_plan_officers -> users (user_id));
diesel::joinable!(patrol_plan_boxes -> patrol_plans (plan_id));
diesel::joinable!(patrol_plan_boxes -> patrol_boxes (box_id));
diesel::joinable!(checkins -> patrol_boxes (box_id));
diesel::joinable!(checkins -> units (unit_id));

diesel::allow_tables_to_appear_in_same_query!(
    units,
    vendors,
    users,
    login_throttle,
    auth_sessions,
    refresh_tokens,
    audit_log,
    box_code_keys,
    patrol_boxes,
    patrol_plans,
    patrol_plan_officers,
    patrol_plan_boxes,
    checkins,
    checkin_reviews,
    violation_articles,
    citizen_report_lists,
    ticket_notices,
    catalog_editions,
    violation_fines,
    legal_rules,
    ticket_serial_counter,
    ticket_number_blocks,
    tickets,
    ticket_people,
    ticket_events,
    vehicle_registry,
    evidence_files,
    cases,
    case_evidence,
    case_entries,
    near_misses,
    case_events,
    transfer_batches,
    transfer_items,
    transfer_voids,
    key_fingerprints,
    vendor_contracts,
    vendor_billings,
    ticket_counts,
    turnaround_counts,
    ticket_near_misses,
    article_counts,
);

diesel::table! {
    vehicle_registry (id) {
        id -> BigInt,
        plate -> Text,
        vehicle_class -> Text,
        make -> Text,
        colour -> Text,
        owner_name -> Text,
        owner_national_id -> Text,
        owner_address -> Text,
        effective_from -> Date,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    evidence_files (sha256) {
        sha256 -> Text,
        size_bytes -> BigInt,
        media_type -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        client_id -> Text,
        request_fingerprint -> Text,
        source -> Text,
        unit_id -> BigInt,
        vendor_id -> Nullable<BigInt>,
        violation_at -> Timestamp,
        received_at -> Timestamp,
        place -> Text,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        camera_id -> Nullable<Text>,
        measured_speed -> Nullable<Integer>,
        speed_limit -> Nullable<Integer>,
        signal_phase -> Nullable<Text>,
        reported_plate -> Nullable<Text>,
        reported_article -> Nullable<Text>,
        description -> Nullable<Text>,
        reporter_name -> Nullable<Text>,
        reporter_contact -> Nullable<Text>,
        deadline -> Date,
        status -> Text,
        close_reason -> Nullable<Text>,
        duplicate_of -> Nullable<BigInt>,
        ticket_id -> Nullable<BigInt>,
        claimed_by -> Nullable<BigInt>,
        claim_expires_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_evidence (case_id, sha256) {
        case_id -> BigInt,
        sha256 -> Text,
        added_by -> Nullable<BigInt>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    case_entries (id) {
        id -> BigInt,
        case_id -> BigInt,
        step -> Text,
        user_id -> BigInt,
        vendor_id -> Nullable<BigInt>,
        plate -> Text,
        vehicle_class -> Text,
        article_code -> Text,
        violation_at -> Timestamp,
        place -> Nullable<Text>,
        facts -> Nullable<Text>,
        fine -> Nullable<Integer>,
        make -> Nullable<Text>,
        acknowledge -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    near_misses (id) {
        id -> BigInt,
        case_id -> BigInt,
        unit_id -> BigInt,
        vendor_id -> Nullable<BigInt>,
        user_id -> Nullable<BigInt>,
        caught_by -> Text,
        field -> Text,
        code -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        event -> Text,
        status -> Text,
        actor_id -> Nullable<BigInt>,
        reason -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::joinable!(cases -> units (unit_id));
diesel::joinable!(case_evidence -> cases (case_id));
diesel::joinable!(case_evidence -> evidence_files (sha256));
diesel::joinable!(case_entries -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(near_misses -> cases (case_id));
diesel::joinable!(near_misses -> units (unit_id));
diesel::joinable!(cases -> tickets (ticket_id));

diesel::table! {
    transfer_batches (id) {
        id -> BigInt,
        created_at -> Timestamp,
        created_by -> Nullable<BigInt>,
        tickets -> Integer,
        sha256 -> Text,
        receipt -> Nullable<Text>,
        receipted_at -> Nullable<Timestamp>,
        format -> Integer,
    }
}

diesel::table! {
    key_fingerprints (name) {
        name -> Text,
        fingerprint -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    transfer_voids (ticket_id) {
        ticket_id -> BigInt,
        sent_id -> BigInt,
        batch_id -> BigInt,
    }
}

diesel::table! {
    transfer_items (batch_id, ticket_id) {
        batch_id -> BigInt,
        ticket_id -> BigInt,
    }
}

diesel::joinable!(transfer_items -> transfer_batches (batch_id));
diesel::joinable!(transfer_items -> tickets (ticket_id));
diesel::joinable!(transfer_voids -> transfer_batches (batch_id));

diesel::table! {
    vendor_contracts (id) {
        id -> BigInt,
        vendor_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
        unit_price -> Integer,
        yearly_ticket_cap -> Integer,
        yearly_amount_cap -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    vendor_billings (ticket_id) {
        ticket_id -> BigInt,
        vendor_id -> BigInt,
        contract_id -> BigInt,
        amount -> Integer,
        billed_on -> Date,
        billed_at -> Timestamp,
    }
}

diesel::table! {
    ticket_counts (month, unit_id, kind, officer_id, vendor_id, keyer_id) {
        month -> Text,
        unit_id -> BigInt,
        kind -> Text,
        officer_id -> BigInt,
        vendor_id -> BigInt,
        keyer_id -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    turnaround_counts (month, unit_id, source, vendor_id, measure, days) {
        month -> Text,
        unit_id -> BigInt,
        source -> Text,
        vendor_id -> BigInt,
        measure -> Text,
        days -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    ticket_near_misses (id) {
        id -> BigInt,
        client_id -> Text,
        officer_id -> BigInt,
        unit_id -> BigInt,
        field -> Text,
        code -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(ticket_near_misses -> units (unit_id));

diesel::table! {
    article_counts (month, unit_id, article_code) {
        month -> Text,
        unit_id -> BigInt,
        article_code -> Text,
        n -> BigInt,
    }
}

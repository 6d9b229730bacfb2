// The data endpoints: one Store call each, answered from its step.

#include "ngx_http_wa_report_data.hpp"

#include "core/input.hpp"
#include "core/json.hpp"
#include "core/optout.hpp"
#include "core/phone.hpp"
#include "core/report.hpp"

namespace wa {

namespace {

Store& store() { return worker()->store; }

void append_item(std::string& out, const Vehicle& v) { append_vehicle(out, v); }

template <class T>
ngx_int_t send_item(ngx_http_request_t* r, ngx_uint_t status, const T& item) {
    std::string out;
    append_item(out, item);
    return send_json(r, status, out);
}

// GET's answer: the item, or 404 `missing`.
template <class T>
ngx_int_t send_found(Ctx& ctx, const std::optional<T>& item, std::string_view missing) {
    if (!item) {
        return send_not_found(ctx.r, missing);
    }
    return send_item(ctx.r, NGX_HTTP_OK, *item);
}

// ---- /data/customers/{id} ---------------------------------------------------

// A customer's answer carries its phone's suppression (suppression follows
// the number, not the customer): the customer is read or written, then (a
// PUT with "opted_out") the suppression is set or lifted, then read.
struct CustomerSteps : Operation {
    Customer customer;
    ngx_uint_t status = NGX_HTTP_OK;
    std::optional<bool> opted_out;  // PUT: the change asked for
    std::string phone;              // normalised; "" when the stored one does not normalise
};

void steps_for(Ctx& ctx, const Customer& c, ngx_uint_t status) {
    auto& op = ctx.op_as<CustomerSteps>();
    op.customer = c;
    op.status = status;
    op.phone = normalize_phone(c.phone).value_or("");
}

ngx_int_t customer_answer(Ctx& ctx, const std::optional<OptOut>& o) {
    auto& op = ctx.op_as<CustomerSteps>();
    std::string out;
    append_customer_opt_out(out, op.customer, o);
    return send_json(ctx.r, op.status, out);
}

ngx_int_t read_suppression(Ctx& ctx) {
    const std::string& phone = ctx.op_as<CustomerSteps>().phone;
    if (phone.empty()) {
        return customer_answer(ctx, std::nullopt);
    }
    return next_call(
        ctx, store().opt_out_get(phone, on_answer<std::optional<OptOut>, customer_answer>, &ctx));
}

ngx_int_t suppression_set(Ctx& ctx, const bool&) { return read_suppression(ctx); }

ngx_int_t customer_found(Ctx& ctx, const std::optional<Customer>& c) {
    if (!c) {
        return send_not_found(ctx.r, "Customer tidak ditemukan");
    }
    ctx.op = std::make_unique<CustomerSteps>();
    steps_for(ctx, *c, NGX_HTTP_OK);
    return read_suppression(ctx);
}

ngx_int_t customer_put(Ctx& ctx, const CustomerPut& put) {
    steps_for(ctx, put.customer, put.created ? NGX_HTTP_CREATED : NGX_HTTP_OK);
    auto& op = ctx.op_as<CustomerSteps>();
    if (!op.opted_out || op.phone.empty()) {
        return read_suppression(ctx);
    }
    return next_call(ctx,
                     store().opt_out_set(op.phone, *op.opted_out, "data_api", now_local(),
                                         on_answer<bool, suppression_set>, &ctx));
}

ngx_int_t customer_deleted(Ctx& ctx, const CustomerDeleted& outcome) {
    ngx_http_request_t* r = ctx.r;
    switch (outcome) {
    case CustomerDeleted::not_found: return send_not_found(r, "Customer tidak ditemukan");
    case CustomerDeleted::has_vehicles:
        return send_json(r, NGX_HTTP_CONFLICT, detail_error("Customer masih memiliki kendaraan"));
    case CustomerDeleted::deleted: break;
    }
    return send_json(r, NGX_HTTP_OK, R"({"message":"Customer berhasil dihapus"})");
}

ngx_int_t put_customer(Ctx& ctx, const std::string& body) {
    auto in = parse_customer(body);
    std::optional<bool> opted_out;
    if (auto e = read_opted_out(body, opted_out)) {
        in.errors.push_back(std::move(*e));
    }
    if (!in.value || !in.errors.empty()) {
        return send_validation(ctx.r, in.errors);
    }
    auto op = std::make_unique<CustomerSteps>();
    op->opted_out = opted_out;
    ctx.op = std::move(op);
    return next_call(ctx,
                     store().customer_put(ctx.route.a, *in.value, now_local(),
                                          on_answer<CustomerPut, customer_put>, &ctx));
}

// ---- /data/vehicles/{id} ----------------------------------------------------

ngx_int_t vehicle_found(Ctx& ctx, const std::optional<Vehicle>& v) {
    return send_found(ctx, v, "Vehicle tidak ditemukan");
}

ngx_int_t vehicle_put(Ctx& ctx, const VehiclePut& put) {
    switch (put.status) {
    case VehiclePut::Status::no_customer:
        return send_validation(ctx.r, {not_found_field("customer_id", "customer")});
    case VehiclePut::Status::created: return send_item(ctx.r, NGX_HTTP_CREATED, put.vehicle);
    case VehiclePut::Status::updated: break;
    }
    return send_item(ctx.r, NGX_HTTP_OK, put.vehicle);
}

ngx_int_t vehicle_deleted(Ctx& ctx, const bool& deleted) {
    if (!deleted) {
        return send_not_found(ctx.r, "Vehicle tidak ditemukan");
    }
    return send_json(ctx.r, NGX_HTTP_OK, R"({"message":"Vehicle berhasil dihapus"})");
}

ngx_int_t put_vehicle(Ctx& ctx, const std::string& body) {
    auto in = parse_vehicle(body);
    if (!in.value) {
        return send_validation(ctx.r, in.errors);
    }
    auto next = next_visit_of(*in.value, worker()->config.visit_interval_months);
    if (!next.value) {
        return send_validation(ctx.r, next.errors);
    }
    return next_call(ctx,
                     store().vehicle_put(ctx.route.a, *in.value, *next.value, now_local(),
                                         on_answer<VehiclePut, vehicle_put>, &ctx));
}

}  // namespace

ngx_int_t handle_data(Ctx& ctx) {
    ngx_http_request_t* r = ctx.r;
    const std::string& id = ctx.route.a;
    bool customer = ctx.route.route == Route::customer_data;
    if (r->method == NGX_HTTP_PUT) {
        return read_body(ctx, loc_conf(r)->max_body_size,
                         customer ? body_text<put_customer> : body_text<put_vehicle>);
    }
    Store& s = store();
    if (r->method == NGX_HTTP_DELETE) {
        return issue_store(
            ctx,
            customer ? s.customer_delete(id, on_answer<CustomerDeleted, customer_deleted>, &ctx)
                     : s.vehicle_delete(id, on_answer<bool, vehicle_deleted>, &ctx));
    }
    return issue_store(
        ctx,
        customer ? s.customer(id, on_answer<std::optional<Customer>, customer_found>, &ctx)
                 : s.vehicle(id, on_answer<std::optional<Vehicle>, vehicle_found>, &ctx));
}

}  // namespace wa

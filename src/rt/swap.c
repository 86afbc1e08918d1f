/* Replacing the core's controllers (SIGHUP's weights reload): the new controller for the
 * set speed or the route file, and the route MPC the core plans on the horizon with, made
 * with the same weights so that both previews drive by the weights in use. Making is
 * off the real-time path (the live loop's helper thread); installing is a few pointer
 * moves between steps. */
#include "ecodrive/mpc.h"
#include "rt_internal.h"

eco_controller *eco_rt_swap_controller(eco_rt *rt, eco_controller *ctl)
{
    eco_mpc_route_ws *route = eco_mpc_route_controller_ws(ctl);
    if (rt->cfg.route_mpc && route)
        rt->cfg.route_mpc = route; /* the route file's MPC: located on the route from now */
    eco_controller *old = rt->base_ctl;
    ctl->reset(ctl);
    if (rt->ctl == old)
        rt->ctl = ctl;
    rt->base_ctl = ctl;
    return old;
}

int eco_rt_swap_prepare(const eco_rt *rt, eco_rt_swap *s)
{
    s->hz_ws = NULL;
    const eco_mpc_weights *w = eco_mpc_controller_weights(s->ctl);
    if (!rt->have_hzr || !w)
        return ECO_OK; /* no horizon planning, or a controller without weights */
    const eco_rt_config *c = &rt->cfg;
    s->hz_ws = eco_rt_hz_route_make_ws(c->veh, c->dt_s, c->route_settings, w);
    return s->hz_ws ? ECO_OK : ECO_ENOMEM;
}

void eco_rt_swap_install(eco_rt *rt, eco_rt_swap *s)
{
    eco_controller *on_hz = rt->have_hzr ? eco_mpc_route_controller(rt->hzr.ws) : NULL;
    s->ctl = eco_rt_swap_controller(rt, s->ctl);
    if (s->hz_ws) {
        s->hz_ws = eco_rt_hz_route_swap_ws(&rt->hzr, s->hz_ws);
        if (rt->ctl == on_hz) /* the next period takes the new one up, from a reset */
            rt->ctl = rt->base_ctl;
    }
}

void eco_rt_swap_free(eco_rt_swap *s)
{
    if (s->ctl)
        s->ctl->destroy(s->ctl);
    eco_mpc_route_free(s->hz_ws);
    s->ctl = NULL;
    s->hz_ws = NULL;
}

int eco_rt_reload(eco_rt *rt, eco_rt_reload_fn fn, void *ctx, char *err, size_t err_size)
{
    eco_rt_swap s = {NULL, NULL};
    int rc = fn(ctx, &s.ctl, err, err_size);
    if (rc != ECO_OK || !s.ctl)
        return rc != ECO_OK ? rc : ECO_EINVAL;
    if ((rc = eco_rt_swap_prepare(rt, &s)) != ECO_OK) {
        snprintf(err, err_size, "the horizon's route MPC: %s", eco_last_error());
        eco_rt_swap_free(&s);
        return rc;
    }
    eco_rt_swap_install(rt, &s);
    eco_rt_swap_free(&s);
    return ECO_OK;
}

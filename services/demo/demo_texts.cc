#include "services/demo/demo_texts.h"

namespace closedloop::services::demo {

using v1::CHANNEL_APP;
using v1::CHANNEL_EMAIL;
using v1::CHANNEL_HOTLINE;
using v1::CHANNEL_SOCIAL;
using v1::CHANNEL_STORE;
using v1::CHANNEL_WEB;

const std::vector<ComplaintCategory>& ComplaintCategories() {
  static const auto* categories = new std::vector<ComplaintCategory>{
      {"late-delivery", "delivery", {CHANNEL_HOTLINE, CHANNEL_WEB, CHANNEL_APP, CHANNEL_SOCIAL},
       {"My order was promised for Tuesday and still has not arrived. Nobody answers the tracking "
        "page.",
        "Third time this month the courier says he came and nobody was home. I was home all day.",
        "The birthday present I ordered two weeks ago is still 'in preparation'."},
       "Where is the parcel and when will it be delivered?",
       "Parcel found at the regional hub, out for delivery tomorrow morning.",
       "Parcel delivered with priority; delivery fee refunded.",
       v1::REMEDY_TYPE_REFUND, 495},
      {"damaged-parcel", "carrier", {CHANNEL_HOTLINE, CHANNEL_EMAIL, CHANNEL_SOCIAL, CHANNEL_APP},
       {"The parcel arrived crushed and the glass bowl inside is broken.",
        "The box was wet and the cushions inside smell of mould.",
        "The flat-screen arrived with a cracked panel; the box had a hole in it."},
       "Please confirm the damage claim and arrange a pick-up of the damaged goods.",
       "Claim accepted by the carrier; pick-up booked.",
       "Replacement sent; the damaged item was collected.",
       v1::REMEDY_TYPE_REPLACEMENT, 0},
      {"refund-missing", "payments", {CHANNEL_HOTLINE, CHANNEL_EMAIL, CHANNEL_WEB},
       {"I returned the jacket three weeks ago and the refund is still not on my card.",
        "You confirmed my cancellation but kept the money.",
        "The store said the refund would take two days. It has been twelve."},
       "Why has the refund not been paid out? Please pay it today.",
       "The refund was stuck in a batch that failed; re-issued today.",
       "Refund paid, with a voucher for the wait.",
       v1::REMEDY_TYPE_REFUND, 5990},
      {"double-charge", "payments", {CHANNEL_HOTLINE, CHANNEL_APP, CHANNEL_WEB},
       {"I was charged twice for the same order.",
        "The app crashed at payment and now I see two charges on my card."},
       "Please check the duplicate charge and reverse it.",
       "Duplicate authorisation found and reversed.",
       "Second charge reversed; customer informed of the bank's processing time.",
       v1::REMEDY_TYPE_REFUND, 3480},
      {"wrong-item", "warehouse", {CHANNEL_HOTLINE, CHANNEL_WEB, CHANNEL_APP, CHANNEL_EMAIL},
       {"I ordered the blue kettle and received a red toaster.",
        "Half of my order is missing: the invoice lists six items, the box had three.",
        "Wrong size sent again, for the second time."},
       "Please check the picking for this order and send the right items.",
       "Picking error on the night shift confirmed; correct items packed.",
       "Correct items delivered; return label for the wrong ones sent.",
       v1::REMEDY_TYPE_REPLACEMENT, 0},
      {"staff-conduct", "stores", {CHANNEL_STORE, CHANNEL_HOTLINE, CHANNEL_SOCIAL},
       {"The cashier was rude when I asked for a receipt.",
        "Nobody helped me for twenty minutes although three staff members were chatting.",
        "The security guard searched my bag in front of everybody without any reason."},
       "Please talk to the team on that shift and tell us what happened.",
       "Store manager spoke with the team; coaching session planned.",
       "Personal apology from the store manager and a voucher.",
       v1::REMEDY_TYPE_COMPENSATION, 2000},
      {"promotion-not-honoured", "marketing", {CHANNEL_STORE, CHANNEL_WEB, CHANNEL_SOCIAL, CHANNEL_APP},
       {"The 20 % weekend discount was not applied at the till.",
        "Your leaflet advertises the coffee machine for 99 euros; the store says 149.",
        "The promo code from your newsletter does not work."},
       "Was the promotion live in this store and channel? Please check the set-up.",
       "The promotion was missing in the till system of two stores; fixed.",
       "Difference refunded; promotion corrected in the tills.",
       v1::REMEDY_TYPE_REFUND, 1500},
      {"out-of-stock", "warehouse", {CHANNEL_WEB, CHANNEL_APP, CHANNEL_STORE},
       {"The shop showed the item in stock, I paid, and today you cancelled the order.",
        "Drove 40 km to the store because the app said 'available'. It was not."},
       "Why did the stock figure show availability? Can the item be reserved?",
       "Stock sync was delayed by a day; item reserved from the central warehouse.",
       "Item reserved and delivered free of charge; travel costs compensated.",
       v1::REMEDY_TYPE_COMPENSATION, 1000},
  };
  return *categories;
}

const std::vector<Recommendation>& Recommendations() {
  static const auto* ideas = new std::vector<Recommendation>{
      {"assortment", "Please stock lactose-free yoghurt in the small stores too.",
       "Thank you! Forwarded to the assortment team for the next listing round."},
      {"assortment", "Bring back the large family packs of washing powder.",
       "Thank you! The buyers will look at it for the spring range."},
      {"assortment", "More vegan ready meals, please.",
       "Thank you! Three new vegan meals are planned for next month."},
      {"service", "Open the pick-up counter on Sundays.",
       "Thank you! We are testing Sunday pick-up in two stores."},
      {"service", "Let me choose a delivery time window in the app.",
       "Thank you! Time windows are on the app team's roadmap."},
      {"service", "Self-checkout tills should accept vouchers.",
       "Thank you! Forwarded to the store systems team."},
      {"app", "A dark mode for the app would be nice.",
       "Thank you! Dark mode comes with the next app release."},
      {"app", "Show the store's current queue length in the app.",
       "Thank you! An interesting idea; the app team will evaluate it."},
      {"store", "More parking spaces for families near the entrance.",
       "Thank you! Forwarded to the store's facility manager."},
      {"store", "The music in the store is too loud.",
       "Thank you! The store manager has turned it down."},
      {"sustainability", "Offer a refill station for detergents.",
       "Thank you! A pilot refill station opens in the flagship store."},
      {"sustainability", "Use less plastic around fruit and vegetables.",
       "Thank you! Forwarded to the packaging team."},
  };
  return *ideas;
}

const std::vector<std::string>& Stores() {
  static const auto* stores = new std::vector<std::string>{
      "berlin-mitte", "berlin-spandau", "hamburg-altona", "munich-pasing", "cologne-ehrenfeld",
      "leipzig-center", "vienna-landstrasse", "zurich-oerlikon"};
  return *stores;
}

const std::vector<std::string>& RedButtonEmergencies() {
  static const auto* texts = new std::vector<std::string>{
      "I have called support five times about my broken fridge and nobody helps. My medication "
      "is spoiling.",
      "You charged my card 2,000 euros for an order I never placed, and support hangs up on me.",
      "My elderly mother's heater was not installed as promised and the flat is freezing."};
  return *texts;
}

const std::vector<std::string>& RedButtonMisuses() {
  static const auto* texts = new std::vector<std::string>{
      "What are the opening hours of the store in Altona?",
      "Can I change the colour of the sofa I ordered?"};
  return *texts;
}

const std::vector<std::string>& InternalNotes() {
  static const auto* notes = new std::vector<std::string>{
      "Customer is upset but cooperative; promised a call-back before the end of the day.",
      "Checked the order history: second complaint this quarter, handle with care.",
      "Photos of the damage received by e-mail and attached to the order.",
      "Customer prefers to be called after 17:00."};
  return *notes;
}

}  // namespace closedloop::services::demo

package store

// The built-in service category tree, modelled on the real platform's list of service
// categories open to mini programs ("小程序开放的服务类目", developers.weixin.qq.com
// /miniprogram/product/material/), trimmed to a representative few dozen. Names are in the
// catalog as "category.<key>"; the flags follow the real list: Qualification means a
// licence must be reviewed before the category is usable, NotPersonal that personal
// subjects cannot pick it.

// Category is one second-level entry of the tree.
type Category struct {
	Key           string // "tool.weather": first-level key, a dot, the entry's own key
	First         string // "tool"
	Qualification bool
	NotPersonal   bool
}

// CategoryGroup is a first-level entry with its children.
type CategoryGroup struct {
	Key      string
	Children []Category
}

type catFlags int

const (
	catOpen catFlags = 0
	catQual catFlags = 1 << iota // needs a qualification
	catOrg                       // closed to personal subjects
)

type catEntry struct {
	key   string
	flags catFlags
}

func cat(key string, flags catFlags) catEntry { return catEntry{key, flags} }

func catGroup(first string, entries ...catEntry) CategoryGroup {
	g := CategoryGroup{Key: first}
	for _, e := range entries {
		g.Children = append(g.Children, Category{Key: first + "." + e.key, First: first,
			Qualification: e.flags&catQual != 0, NotPersonal: e.flags&catOrg != 0})
	}
	return g
}

// CategoryTree is the whole tree, in the order the form offers it.
var CategoryTree = []CategoryGroup{
	catGroup("tool",
		cat("weather", catOpen), cat("calculator", catOpen), cat("efficiency", catOpen), cat("query", catOpen),
		cat("office", catOpen), cat("bookkeeping", catOpen), cat("memo", catOpen), cat("calendar", catOpen),
		cat("dictionary", catOpen), cat("image", catOpen), cat("booking", catOpen), cat("business_management", catOrg),
	),
	catGroup("education",
		cat("online", catQual), cat("info", catOpen), cat("school", catQual|catOrg), cat("training", catQual|catOrg),
		cat("driving", catQual|catOrg),
	),
	catGroup("life",
		cat("housekeeping", catOpen), cat("beauty", catOpen), cat("photo", catOpen), cat("wedding", catOrg),
		cat("pet", catOpen), cat("recycling", catOrg), cat("moving", catOrg), cat("tickets", catQual|catOrg),
		cat("utilities", catQual|catOrg),
	),
	catGroup("food",
		cat("reviews", catOpen), cat("recipes", catOpen), cat("venue", catOrg), cat("queue", catOrg),
		cat("delivery", catQual|catOrg),
	),
	catGroup("travel",
		cat("scenic", catOpen), cat("guides", catOpen), cat("routes", catQual|catOrg), cat("hotel", catOrg),
		cat("homestay", catQual|catOrg),
	),
	catGroup("transport",
		cat("traffic", catOpen), cat("parking", catOrg), cat("bus", catQual|catOrg), cat("ride_hailing", catQual|catOrg),
		cat("car_rental", catQual|catOrg),
	),
	catGroup("sports",
		cat("venues", catOrg), cat("events", catOrg), cat("training", catOpen), cat("fitness", catOpen),
	),
	catGroup("entertainment",
		cat("video", catQual|catOrg), cat("radio", catQual|catOrg), cat("music", catQual|catOrg), cat("animation", catQual|catOrg),
	),
	catGroup("it",
		cat("software", catOrg), cat("hardware", catOrg), cat("telecom_agent", catQual|catOrg),
	),
	catGroup("business",
		cat("legal", catQual|catOrg), cat("exhibition", catOrg), cat("recruiting", catQual|catOrg), cat("design", catOrg),
	),
	catGroup("real_estate",
		cat("property", catOrg), cat("decoration", catOrg), cat("agency", catQual|catOrg),
	),
	catGroup("car",
		cat("news", catOpen), cat("service", catOrg), cat("repair", catQual|catOrg),
	),
	catGroup("health",
		cat("public_hospital", catQual|catOrg), cat("private_clinic", catQual|catOrg), cat("pharmacy", catQual|catOrg),
	),
	catGroup("finance",
		cat("bank", catQual|catOrg), cat("insurance", catQual|catOrg), cat("securities", catQual|catOrg),
	),
	catGroup("government",
		cat("services", catQual|catOrg), cat("social_security", catQual|catOrg),
	),
	catGroup("express",
		cat("courier", catQual|catOrg), cat("postal", catQual|catOrg),
	),
	catGroup("shop",
		cat("clothing", catOrg), cat("food", catQual|catOrg), cat("digital", catOrg), cat("books", catQual|catOrg),
		cat("flowers", catOrg),
	),
}

// categoryIndex finds a second-level entry by key.
var categoryIndex = func() map[string]Category {
	m := map[string]Category{}
	for _, g := range CategoryTree {
		for _, c := range g.Children {
			m[c.Key] = c
		}
	}
	return m
}()

// CategoryByKey looks up a second-level entry.
func CategoryByKey(key string) (Category, bool) {
	c, ok := categoryIndex[key]
	return c, ok
}
